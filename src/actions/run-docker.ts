import type { ActionReport, ContainerInfo } from '../state/types.js';
import { waitForEvidence } from './evidence.js';
import type { ReportBuilder } from './report.js';
import type { ActionDeps } from './types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForContainer(
  deps: ActionDeps,
  name: string,
  ok: (c: ContainerInfo) => boolean,
  timeoutMs: number,
): Promise<ContainerInfo | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await deps.engine.inspect(name);
    if (r.ok && ok(r.value)) return r.value;
    if (Date.now() > deadline) return null;
    await sleep(200);
  }
}

/** Stop one container and verify it reached a stopped state. */
async function stopChannel(deps: ActionDeps, b: ReportBuilder, name: string): Promise<boolean> {
  b.channel({ channel: `stop ${name}`, outcome: 'RUNNING', detail: `docker stop ${name}` });
  const r = await deps.engine.stop(name, 10);
  if (!r.ok) {
    b.channel({ channel: `stop ${name}`, outcome: 'FAILED', detail: r.detail, latencyMs: r.latencyMs });
    return false;
  }
  const c = await waitForContainer(deps, name, (x) => x.state === 'exited' || x.state === 'dead', 5000);
  if (!c) {
    b.channel({ channel: `stop ${name}`, outcome: 'NOT_CONFIRMED', detail: `stop returned, but ${name} is not reported exited` });
    return false;
  }
  b.channel({
    channel: `stop ${name}`,
    outcome: 'VERIFIED',
    detail: `${name} is ${c.state} (exit code ${c.exitCode ?? '?'})`,
    latencyMs: b.since(),
  });
  return true;
}

export async function runKill(deps: ActionDeps, b: ReportBuilder): Promise<ActionReport> {
  const exec = deps.contract.containers.execution;
  const brain = deps.contract.containers.brain;
  const execOk = await stopChannel(deps, b, exec);
  // Brain is stopped even if execution could not be: the kill switch is the last resort.
  const brainOk = await stopChannel(deps, b, brain);
  if (execOk && brainOk) return b.finish('VERIFIED', `${exec} and ${brain} are stopped (after ${b.since()} ms)`);
  const failed = b.report.channels.some((c) => c.outcome === 'FAILED');
  return b.finish(
    failed ? 'FAILED' : 'NOT_CONFIRMED',
    'not every container is confirmed stopped',
    'check the Docker connection; stop the containers from the host shell',
  );
}

export async function runRestart(deps: ActionDeps, b: ReportBuilder, name: string): Promise<ActionReport> {
  const channel = `restart ${name}`;
  b.channel({ channel, outcome: 'RUNNING', detail: `docker restart ${name}` });
  const r = await deps.engine.restart(name, 10);
  if (!r.ok) {
    b.channel({ channel, outcome: 'FAILED', detail: r.detail, latencyMs: r.latencyMs });
    return b.finish('FAILED', `restart failed: ${r.detail}`);
  }
  b.channel({ channel, outcome: 'RUNNING', detail: 'restarted; waiting for health' });
  const timeout = Math.max(deps.config.actions.verifyTimeoutMs, 15_000);
  const c = await waitForContainer(deps, name, (x) => x.state === 'running' && (x.health === 'healthy' || x.health === 'none'), timeout);
  if (!c) {
    b.channel({ channel, outcome: 'NOT_CONFIRMED', detail: `${name} did not become running and healthy within ${timeout} ms` });
    return b.finish('NOT_CONFIRMED', `${name} restarted but its health did not pass`, `look at the ${name} logs (select it, Enter)`);
  }
  // Without a Docker healthcheck, the service's own health endpoint decides.
  if (c.health === 'none') {
    const svc = name === deps.contract.containers.brain ? 'brain' : name === deps.contract.containers.execution ? 'execution' : null;
    if (svc) {
      const since = Date.now();
      const ok = await new Promise<boolean>((resolve) => {
        const check = () => {
          const p = deps.store.getState().probes[svc];
          return p && p.at >= since && (p.status === 'healthy' || p.status === 'degraded');
        };
        if (check()) return resolve(true);
        const unsub = deps.store.subscribe(() => {
          if (check()) {
            unsub();
            clearTimeout(t);
            resolve(true);
          }
        });
        const t = setTimeout(() => {
          unsub();
          resolve(false);
        }, timeout);
      });
      if (!ok) {
        b.channel({ channel, outcome: 'NOT_CONFIRMED', detail: `${name} is running but its /health did not pass` });
        return b.finish('NOT_CONFIRMED', `${name} running, health not confirmed`);
      }
    }
  }
  b.channel({
    channel,
    outcome: 'VERIFIED',
    detail: `${name} running, health ${c.health === 'none' ? 'endpoint passing' : c.health}`,
    latencyMs: b.since(),
  });
  return b.finish('VERIFIED', `${name} restarted and healthy (after ${b.since()} ms)`);
}

export async function runClearHaltFile(deps: ActionDeps, b: ReportBuilder): Promise<ActionReport> {
  const exec = deps.contract.containers.execution;
  const path = deps.contract.haltFile.path;
  b.channel({ channel: 'halt file', outcome: 'RUNNING', detail: `rm -f ${path} in ${exec}` });
  const r = await deps.engine.removeFile(exec, path);
  if (!r.ok) {
    b.channel({ channel: 'halt file', outcome: 'FAILED', detail: r.detail, latencyMs: r.latencyMs });
    return b.finish('FAILED', `could not remove the halt file: ${r.detail}`);
  }
  const ev = await waitForEvidence(deps.store, { since: Date.now(), timeoutMs: 3000, file: (f) => !f.present, haltWatch: deps.haltWatch });
  if (ev.kind !== 'evidence') {
    b.channel({ channel: 'halt file', outcome: 'NOT_CONFIRMED', detail: 'the file is still reported present' });
    return b.finish('NOT_CONFIRMED', 'halt file still present');
  }
  b.channel({ channel: 'halt file', outcome: 'VERIFIED', detail: 'halt file absent', latencyMs: b.since() });
  const note = deps.contract.haltFile.readAtStartOnly ? ' (a running engine stays halted until RESUME)' : '';
  return b.finish('VERIFIED', `halt file cleared${note}`);
}
