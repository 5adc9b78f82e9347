/**
 * Per-request time limits, one phase at a time, on native timers. undici's own headers/body timeouts run
 * on a coarse clock (up to ~1 s late above 1 s), and a body trickled one byte at a time resets its body
 * timeout forever: these precise phase limits plus a total limit make sure no server can hold a request
 * longer than we promised.
 */

export type Phase = 'connect' | 'headers' | 'body';

export interface PhaseLimits {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
  totalMs: number;
}

export interface Expiry {
  /** The limit that fired. */
  limit: Phase | 'total';
  limitMs: number;
  /** What the request was waiting for when it fired. */
  phase: Phase;
}

export class RequestDeadline {
  private readonly controller = new AbortController();
  private phase: Phase = 'connect';
  private phaseTimer: NodeJS.Timeout | undefined;
  private readonly totalTimer: NodeJS.Timeout;
  private readonly onExternalAbort = () => this.cancel();
  expired: Expiry | null = null;
  cancelled = false;

  constructor(
    private readonly limits: PhaseLimits,
    private readonly external?: AbortSignal,
  ) {
    this.totalTimer = setTimeout(() => this.expire('total', limits.totalMs), limits.totalMs);
    this.arm('connect', limits.connectMs);
    if (external?.aborted) this.cancel();
    else external?.addEventListener('abort', this.onExternalAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** A socket is connected and the request is being written: now waiting for response headers. */
  connected(): void {
    if (this.phase === 'connect') this.arm('headers', this.limits.headersMs);
  }

  /** Headers arrived: from now on the body must keep flowing. */
  headersReceived(): void {
    if (this.phase !== 'body') this.arm('body', this.limits.bodyMs);
  }

  /** A body chunk arrived: the body limit is an idle limit, so it starts over. */
  progressed(): void {
    if (this.phase === 'body') this.phaseTimer?.refresh();
  }

  done(): void {
    clearTimeout(this.phaseTimer);
    clearTimeout(this.totalTimer);
    this.external?.removeEventListener('abort', this.onExternalAbort);
  }

  private arm(phase: Phase, ms: number): void {
    clearTimeout(this.phaseTimer);
    this.phase = phase;
    this.phaseTimer = setTimeout(() => this.expire(phase, ms), ms);
  }

  private expire(limit: Phase | 'total', limitMs: number): void {
    if (this.controller.signal.aborted) return;
    this.expired = { limit, limitMs, phase: this.phase };
    this.done();
    this.controller.abort(new Error(`${limit} timeout after ${limitMs} ms`));
  }

  private cancel(): void {
    if (this.controller.signal.aborted) return;
    this.cancelled = true;
    this.done();
    this.controller.abort(new Error('request cancelled'));
  }
}

const WAITING_FOR: Record<Phase, string> = {
  connect: 'connecting',
  headers: 'waiting for response headers',
  body: 'reading the response body',
};

/** Operator-readable text naming which limit fired and what we were waiting for. */
export function describeExpiry(e: Expiry, endpoint: string): string {
  switch (e.limit) {
    case 'connect':
      return `no connection to ${endpoint} within ${e.limitMs} ms (connect timeout)`;
    case 'headers':
      return `${endpoint} accepted the connection but sent no response headers within ${e.limitMs} ms (headers timeout)`;
    case 'body':
      return `${endpoint} stopped sending the response body for ${e.limitMs} ms (body timeout)`;
    case 'total':
      return `no complete response from ${endpoint} within ${e.limitMs} ms (total timeout, while ${WAITING_FOR[e.phase]})`;
  }
}
