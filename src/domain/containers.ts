/**
 * Containers as the actions and the procedures both act on them, through the cockpit's Docker
 * engine service: which container a service name means, stop with its verification, restart
 * health. One place, so a restart from a key and from a runbook procedure are judged alike.
 */
import type { Contract } from '../contract/types.js';
import type { Engine } from '../services/engine.js';
import type { CockpitStore } from '../state/store.js';
import type { ContainerInfo } from '../state/types.js';

/** What these need from the runtime (the actions' and the procedures' deps both have it). */
export interface ContainerDeps {
  engine: Engine;
  store: CockpitStore;
  contract: Contract;
}

/** 'execution' / 'brain' / 'nats' → the contract's container name; anything else is a container name. */
export function containerOf(contract: Contract, service: string): string {
  const c = contract.containers;
  if (service === 'execution') return c.execution;
  if (service === 'brain') return c.brain;
  if (service === 'nats') return c.nats;
  return service;
}

/** sent: the engine took the command, only its effect is not confirmed (NOT CONFIRMED, not FAILED). */
export type Verdict = { ok: true; detail: string } | { ok: false; detail: string; cancelled?: boolean; sent?: boolean };

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

const describe = (c: ContainerInfo) => `${c.state}${c.health !== 'none' ? `, ${c.health}` : ''}`;

/** The service behind a contract container name, whose /health probe the cockpit runs. */
function probedService(deps: ContainerDeps, name: string): 'brain' | 'execution' | null {
  if (name === deps.contract.containers.brain) return 'brain';
  if (name === deps.contract.containers.execution) return 'execution';
  return null;
}

/**
 * Waits until the container runs and its health passes: Docker's healthcheck when it has one;
 * otherwise the cockpit's own /health probe for brain and execution (a reading taken after we
 * started waiting); otherwise running is all there is to verify.
 */
export async function waitHealthy(
  deps: ContainerDeps,
  name: string,
  timeoutMs: number,
  signal: AbortSignal,
  line: (t: string) => void,
): Promise<Verdict> {
  const since = Date.now();
  const deadline = since + timeoutMs;
  let last = '';
  for (;;) {
    if (signal.aborted) return { ok: false, detail: 'cancelled by the operator', cancelled: true };
    const r = await deps.engine.inspect(name);
    // `name` may be a container id (from compose ps): the inspected name decides which probe applies.
    if (r.ok) name = r.value.name;
    const svc = probedService(deps, name);
    const now = r.ok ? describe(r.value) : r.detail;
    if (now !== last) line(`${name}: ${now}`);
    last = now;
    if (r.ok && r.value.state === 'running') {
      if (r.value.health === 'healthy') return { ok: true, detail: `${name} running, healthy` };
      if (r.value.health === 'none') {
        if (!svc) return { ok: true, detail: `${name} running (it has no healthcheck)` };
        const p = deps.store.getState().probes[svc];
        if (p && p.at >= since && (p.status === 'healthy' || p.status === 'degraded')) {
          line(`${svc} /health: ${p.status}`);
          return { ok: true, detail: `${name} running, /health ${p.status}` };
        }
      }
    }
    if (Date.now() > deadline) {
      const probe = svc ? deps.store.getState().probes[svc] : undefined;
      const extra =
        probe && r.ok && r.value.health === 'none' ? `; /health ${probe.status}${probe.detail ? ` (${probe.detail})` : ''}` : '';
      return { ok: false, detail: `${name} is ${now}${extra} after ${Math.round(timeoutMs / 1000)} s` };
    }
    await pause(300, signal);
  }
}

/** docker stop, then verify the container is reported exited. */
export async function stopAndVerify(
  deps: ContainerDeps,
  name: string,
  signal: AbortSignal = new AbortController().signal,
  line: (t: string) => void = () => {},
): Promise<Verdict> {
  line(`docker stop ${name}`);
  const r = await deps.engine.stop(name, 10);
  if (!r.ok) return { ok: false, detail: `stop ${name} failed: ${r.detail}` };
  const deadline = Date.now() + 5000;
  for (;;) {
    const c = await deps.engine.inspect(name);
    if (c.ok && (c.value.state === 'exited' || c.value.state === 'dead')) {
      line(`${name}: ${c.value.state} (exit code ${c.value.exitCode ?? '?'})`);
      return { ok: true, detail: `${name} is ${c.value.state} (exit code ${c.value.exitCode ?? '?'})` };
    }
    if (Date.now() > deadline) return { ok: false, sent: true, detail: `stop returned, but ${name} is ${c.ok ? c.value.state : c.detail}` };
    await pause(200, signal);
  }
}

export async function startContainer(deps: ContainerDeps, name: string, line: (t: string) => void): Promise<Verdict> {
  line(`docker start ${name}`);
  const r = await deps.engine.start(name);
  return r.ok ? { ok: true, detail: `${name} started` } : { ok: false, detail: `start ${name} failed: ${r.detail}` };
}
