import type { CockpitState } from './store.js';

/** ARMED now: actions that need arming (and destructive procedure steps) may run. */
export function isArmed(s: Pick<CockpitState, 'armedUntil'>, now = Date.now()): boolean {
  return s.armedUntil !== null && s.armedUntil > now;
}

/** The refusal both the actions and the procedures give in SAFE mode. */
export const SAFE_REFUSAL = 'SAFE mode: press a and type ARM first';
