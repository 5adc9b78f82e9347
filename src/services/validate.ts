import type { BreakerStatus } from '../state/types.js';
import { printable } from '../text/safe-text.js';

/** Edge validation of untrusted payloads. Each returns a typed value or a readable error. */
export type Validated<T> = { ok: true; value: T } | { ok: false; error: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// Strings from the network: no control bytes (they end up on an operator's terminal).
const optStr = (v: unknown) => (typeof v === 'string' ? printable(v, 300) : undefined);
const optTime = (v: unknown) => (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? v : undefined);
const optNum = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Brain's BreakerStatus (contract §4.1). Unknown fields are dropped; wrong types are ignored. */
export function parseBreakerStatus(v: unknown): Validated<BreakerStatus> {
  if (!isObj(v)) return { ok: false, error: 'circuitBreaker is not an object' };
  if (typeof v.active !== 'boolean') return { ok: false, error: 'circuitBreaker.active is not a boolean' };
  const s: BreakerStatus = { active: v.active };
  const fields: Array<[keyof BreakerStatus, unknown]> = [
    ['type', optStr(v.type)],
    ['action', optStr(v.action)],
    ['reason', optStr(v.reason)],
    ['triggeredAt', optTime(v.triggeredAt)],
    ['cooldownEndsAt', optTime(v.cooldownEndsAt)],
    ['tripCount', optNum(v.tripCount)],
    ['lastTripTime', optTime(v.lastTripTime)],
    ['lastReset', optTime(v.lastReset)],
  ];
  for (const [k, x] of fields) if (x !== undefined) (s as unknown as Record<string, unknown>)[k] = x;
  return { ok: true, value: s };
}

/**
 * `titan.data.dashboard.update.v1`: `{type:"STATE_UPDATE", timestamp, circuitBreaker, lastUpdated, ...}`.
 * `timestamp` is when brain published; `lastUpdated` is when it computed the (cached) content, the
 * only age that describes the breaker value. Absent or unreadable: the value's age is unknown.
 */
export function validateDashboard(v: unknown): Validated<{ circuitBreaker: BreakerStatus; lastUpdated: number | null }> {
  if (!isObj(v)) return { ok: false, error: 'dashboard update is not a JSON object' };
  const cb = parseBreakerStatus(v.circuitBreaker);
  if (!cb.ok) return cb;
  return { ok: true, value: { circuitBreaker: cb.value, lastUpdated: epochMs(v.lastUpdated) } };
}

/** A time given as epoch milliseconds or an ISO string; null when it is neither. */
function epochMs(v: unknown): number | null {
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}
