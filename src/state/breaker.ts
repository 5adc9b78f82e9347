/**
 * The breaker as the operator may be told it: one place decides whether the last reading is fresh
 * enough to be shown as current, for the pane, the header, `status` and `doctor`.
 *
 * Its age comes from the data itself: for brain's /status, the time the answer arrived (the route
 * is computed per request); for the dashboard subject, the payload's own `lastUpdated` (brain
 * caches that content for up to 60 s, so a message that arrives now may describe a minute ago).
 */
import type { CockpitState } from './store.js';
import type { BreakerStatus } from './types.js';

export type BreakerSource = 'status' | 'dashboard';

export type BreakerView =
  | { state: 'active' | 'inactive'; status: BreakerStatus; source: BreakerSource; dataAt: number }
  | {
      state: 'unknown';
      /** Why it is unknown: no reading yet, or the last one is older than the limit. */
      why: string;
      last?: { status: BreakerStatus; source: BreakerSource; dataAt: number | null };
    };

/** Readings older than this are not shown as current (default: five /status probe rounds). */
export const DEFAULT_BREAKER_MAX_AGE_MS = 10_000;

const SOURCE_NAME: Record<BreakerSource, string> = { status: 'brain /status', dashboard: 'the dashboard subject' };

export function breakerView(s: Pick<CockpitState, 'breaker' | 'confirmed'>, now: number, maxAgeMs: number): BreakerView {
  const value = s.breaker.value;
  const source = s.breaker.source;
  const dataAt = s.confirmed.breakerDataAt;
  if (!value || !source) return { state: 'unknown', why: s.breaker.error ?? 'no reading from brain yet' };
  const last = { status: value, source, dataAt };
  if (dataAt === null) return { state: 'unknown', why: `${SOURCE_NAME[source]} gave no time for its data`, last };
  const age = now - dataAt;
  if (age > maxAgeMs)
    return {
      state: 'unknown',
      why: `last reading is ${Math.round(age / 1000)} s old (from ${SOURCE_NAME[source]}; limit ${Math.round(maxAgeMs / 1000)} s)`,
      last,
    };
  return { state: value.active ? 'active' : 'inactive', status: value, source, dataAt };
}

/** When the current reading stops being fresh (ms epoch), or null when it already is not. */
export function breakerFreshUntil(s: Pick<CockpitState, 'breaker' | 'confirmed'>, maxAgeMs: number): number | null {
  const at = s.confirmed.breakerDataAt;
  return s.breaker.value && at !== null ? at + maxAgeMs : null;
}
