import type { Outcome } from '../state/types.js';

/** What each outcome is called, on screen, in the audit screen and on the command line alike. */
export const OUTCOME_TEXT: Record<Outcome, string> = {
  VERIFIED: 'VERIFIED',
  NOT_CONFIRMED: 'SENT BUT NOT CONFIRMED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
  RUNNING: 'RUNNING',
};
