import type { Emit } from '../state/events.js';
import type { ConnState, ProbeResult } from '../state/types.js';
import { errorText } from './bus/text.js';
import { printable } from '../text/safe-text.js';
import { redact, redactUrl } from './redact.js';
import { httpRequest } from './http/client.js';
import { classifyProbe, type ProbeKind } from './probe-classify.js';

export type { ProbeKind } from './probe-classify.js';

export interface ProbeTarget {
  /** Key of the result in the store, e.g. 'brain', 'execution'. */
  name: string;
  /** The URL may come from container inspection; null means the address is unknown right now. */
  resolveUrl: () => Promise<string | null>;
  path: string;
  kind: ProbeKind;
}

export interface ProbesOptions {
  targets: ProbeTarget[];
  intervalMs?: number;
  /** Limit for each phase (connect, headers, body); the whole request gets 500 ms more. */
  timeoutMs?: number;
  emit: Emit;
}

type Service = 'brain' | 'execution';

interface Loop {
  target: ProbeTarget;
  timer: NodeJS.Timeout | null;
  inflight: Promise<ProbeResult> | null;
}

interface Reach {
  service: Service;
  answered: boolean;
  error?: string;
  endpoint?: string;
}

const serviceOf = (kind: ProbeKind): Service => (kind === 'execution-health' ? 'execution' : 'brain');

/** Unauthenticated probes need nothing; brain exempts exactly /health and /status from HMAC (contract §4.1). */
const NO_AUTH = { hmac: false, jwt: false } as const;

/**
 * Periodic HTTP probes of brain and execution. Each target has its own loop, so one hung endpoint never
 * delays another; a target never has two probes in flight. Reports `probe` results, the brain breaker
 * from /status, and `conn` when a service's reachability changes.
 */
export class Probes {
  private readonly loops = new Map<string, Loop>();
  private readonly reach = new Map<string, Reach>();
  private readonly lastConn = new Map<Service, ConnState>();
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private running = false;
  /** Aborted by stop(): cancels in-flight requests, whose results are then not reported. */
  private cancel = new AbortController();

  constructor(private readonly opts: ProbesOptions) {
    this.intervalMs = opts.intervalMs ?? 2000;
    this.timeoutMs = opts.timeoutMs ?? 2000;
    for (const target of opts.targets) this.loops.set(target.name, { target, timer: null, inflight: null });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const loop of this.loops.values()) this.schedule(loop, 0);
  }

  stop(): void {
    this.running = false;
    for (const loop of this.loops.values()) {
      if (loop.timer) clearTimeout(loop.timer);
      loop.timer = null;
    }
    this.cancel.abort();
    // In-flight runs hold the aborted signal; a later probeNow() gets a fresh one.
    this.cancel = new AbortController();
  }

  /** Probes one target now (joining a probe already in flight for it) and reports the result. */
  probeNow(name: string): Promise<ProbeResult> {
    const loop = this.loops.get(name);
    if (!loop) {
      return Promise.resolve({
        name,
        url: '',
        status: 'error',
        latencyMs: 0,
        detail: `no probe named "${printable(name, 40)}"`,
        at: Date.now(),
      });
    }
    loop.inflight ??= this.run(loop.target).finally(() => {
      loop.inflight = null;
    });
    return loop.inflight;
  }

  private schedule(loop: Loop, delayMs: number): void {
    // unref: probes alone must never keep the process alive.
    loop.timer = setTimeout(() => this.tick(loop), delayMs).unref();
  }

  private tick(loop: Loop): void {
    const started = Date.now();
    void this.probeNow(loop.target.name).finally(() => {
      if (!this.running) return;
      // Keep the cadence; after a slow probe (a hung endpoint) leave a short gap rather than none.
      const elapsed = Date.now() - started;
      this.schedule(loop, Math.max(this.intervalMs - elapsed, Math.min(this.intervalMs, 250)));
    });
  }

  private async run(target: ProbeTarget): Promise<ProbeResult> {
    const signal = this.cancel.signal;
    const at = Date.now();
    const resolved = await this.resolve(target);
    if (!resolved.ok) {
      const result: ProbeResult = { name: target.name, url: '', status: 'error', latencyMs: Date.now() - at, detail: resolved.detail, at };
      if (!signal.aborted) this.report(target, result, false, resolved.detail, undefined);
      return result;
    }
    const base = resolved.url.replace(/\/+$/, '');
    const outcome = await httpRequest({
      url: base,
      method: 'GET',
      path: target.path,
      auth: NO_AUTH,
      connectTimeoutMs: this.timeoutMs,
      headersTimeoutMs: this.timeoutMs,
      bodyTimeoutMs: this.timeoutMs,
      totalTimeoutMs: this.timeoutMs + 500,
      signal,
    });
    const verdict = classifyProbe(target.kind, outcome);
    const result: ProbeResult = {
      name: target.name,
      url: `${redactUrl(base)}${target.path}`,
      status: verdict.status,
      latencyMs: outcome.latencyMs,
      at,
      ...(verdict.httpStatus !== undefined ? { httpStatus: verdict.httpStatus } : {}),
      ...(verdict.detail !== undefined ? { detail: verdict.detail } : {}),
    };
    if (signal.aborted) return result;
    this.report(
      target,
      result,
      verdict.answered,
      verdict.answered ? undefined : `${target.path}: ${verdict.detail ?? verdict.status}`,
      endpointOf(base),
    );
    if (target.kind === 'brain-status' && verdict.breaker) {
      const now = Date.now();
      this.opts.emit(
        verdict.breaker.ok
          ? { type: 'breaker', status: verdict.breaker.value, source: 'status', at: now, dataAt: now }
          : { type: 'breaker.error', error: verdict.breaker.error, at: now },
      );
    }
    return result;
  }

  /** The target's URL, bounded in time (container inspection can hang when the engine does). */
  private async resolve(target: ProbeTarget): Promise<{ ok: true; url: string } | { ok: false; detail: string }> {
    const limitMs = this.timeoutMs + 500;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((res) => {
      timer = setTimeout(() => res('timeout'), limitMs);
    });
    try {
      const url = await Promise.race([target.resolveUrl(), timeout]);
      if (url === 'timeout') return { ok: false, detail: `address of ${target.name} unknown: lookup took over ${limitMs} ms` };
      if (!url) return { ok: false, detail: `address of ${target.name} unknown (container not running, or no URL configured)` };
      return { ok: true, url };
    } catch (err) {
      return { ok: false, detail: `address of ${target.name} unknown: ${printable(redact(errorText(err)))}` };
    } finally {
      clearTimeout(timer);
    }
  }

  private report(
    target: ProbeTarget,
    result: ProbeResult,
    answered: boolean,
    error: string | undefined,
    endpoint: string | undefined,
  ): void {
    this.opts.emit({ type: 'probe', result });
    const service = serviceOf(target.kind);
    this.reach.set(target.name, { service, answered, error, endpoint });
    this.updateConn(service, result.at);
  }

  /** A service is connected while every one of its probes gets an answer; the first failing one says why. */
  private updateConn(service: Service, at: number): void {
    const mine = [...this.reach.values()].filter((r) => r.service === service);
    const failing = mine.find((r) => !r.answered);
    const status: ConnState['status'] = failing ? 'disconnected' : 'connected';
    const error = failing?.error;
    const endpoint = (failing ?? mine[0])?.endpoint;
    const prev = this.lastConn.get(service);
    if (prev && prev.status === status && prev.error === error && prev.endpoint === endpoint) return;
    const state: ConnState = {
      status,
      since: prev?.status === status ? prev.since : at,
      ...(error !== undefined ? { error } : {}),
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(status === 'connected' ? { lastOk: at } : {}),
    };
    this.lastConn.set(service, state);
    this.opts.emit({ type: 'conn', target: service, state });
  }
}

/** host:port of a base URL, without credentials. */
function endpointOf(base: string): string | undefined {
  try {
    return new URL(base).host;
  } catch {
    return undefined;
  }
}
