/** Reconnect pacing: jittered exponential backoff from 0.5 s up to 20 s, like natscli's policy. */

export interface BackoffPolicy {
  /** Delay before the second attempt (the first is immediate). */
  initialMs: number;
  /** Ceiling: an outage never waits longer than this between attempts. */
  maxMs: number;
  /** Growth per attempt. */
  factor: number;
  /** ± fraction of randomness so many clients do not reconnect in lockstep. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 20_000, factor: 1.5, jitter: 0.2 };

/**
 * Delay to wait after failed attempt number `attempt` (1-based).
 * Always within [initialMs, maxMs]; jitter is ±`jitter` around a base that grows by `factor`.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** (n - 1));
  const jittered = base * (1 + policy.jitter * (2 * random() - 1));
  return Math.round(Math.min(policy.maxMs, Math.max(policy.initialMs, jittered)));
}

export function resolveBackoff(overrides: Partial<BackoffPolicy> | undefined): BackoffPolicy {
  const p = { ...DEFAULT_BACKOFF, ...overrides };
  // Guard against nonsense that would spin the CPU or stall forever.
  const initialMs = Math.max(10, p.initialMs);
  return { initialMs, maxMs: Math.max(initialMs, p.maxMs), factor: Math.max(1, p.factor), jitter: Math.min(1, Math.max(0, p.jitter)) };
}
