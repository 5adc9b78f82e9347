/** Runs one engine request with a deadline and turns every outcome into an EngineResult. */
import { type DialSpec, dial, type Modem, withDeadline } from './dial.js';
import { classify, EngineError, type EngineResult } from './errors.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

export class Caller {
  /** Told of every answer from the engine (a result, or "not found"): it is alive (ConnectionMonitor's Liveness). */
  onAnswer: (() => void) | null = null;

  constructor(
    /** null when the endpoint configuration is unusable; every call then fails with `configError`. */
    private readonly modem: Modem | null,
    readonly endpoint: string,
    private readonly configError: string | null,
  ) {}

  /**
   * `op` names the action for error text ("stop titan-execution"); `container`, when given,
   * makes an HTTP 404 read as "container X not found".
   */
  async run<T>(
    op: string,
    container: string | undefined,
    timeoutMs: number,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<EngineResult<T>> {
    const t0 = performance.now();
    const latency = () => Math.round(performance.now() - t0);
    if (!this.modem) return { ok: false, reason: 'error', detail: this.configError ?? 'Docker engine not configured', latencyMs: 0 };
    try {
      const value = await withDeadline(timeoutMs, fn);
      this.onAnswer?.();
      return { ok: true, value, latencyMs: latency() };
    } catch (e) {
      const f = classify(e, { endpoint: this.endpoint, op, container });
      if (f.reason === 'not-found') this.onAnswer?.();
      return { ok: false, reason: f.reason, detail: f.detail, latencyMs: latency() };
    }
  }

  dial<T = unknown>(spec: DialSpec, signal: AbortSignal): Promise<T> {
    if (!this.modem) return Promise.reject(new EngineError('error', this.configError ?? 'Docker engine not configured'));
    return dial<T>(this.modem, spec, signal);
  }
}

export const containerPath = (name: string, rest = ''): string => `/containers/${encodeURIComponent(name)}${rest}`;
