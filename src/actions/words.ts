import type { ActionId } from './types.js';

/**
 * The exact word the operator types to confirm each action (restart's is the container's name).
 * One table: the plans, the prompts and the command line's usage and README table read it.
 */
export const CONFIRM_WORDS = {
  'stop-all': 'HALT',
  halt: 'HALT',
  resume: 'RESUME',
  flatten: 'FLATTEN',
  kill: 'KILL',
  'clear-halt-file': 'CLEAR',
  'breaker-reset': 'RESET',
  recover: 'RESUME',
} as const satisfies Record<Exclude<ActionId, 'restart'>, string>;
