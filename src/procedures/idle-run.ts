import type { RunState } from './types.js';

/** A run that has not started: what the Procedures screen shows before the first run. */
export function idleRunState(): RunState {
  return {
    runId: '',
    procedureId: null,
    title: '',
    dryRun: false,
    status: 'idle',
    startedAt: null,
    finishedAt: null,
    summary: '',
    steps: [],
    current: null,
  };
}
