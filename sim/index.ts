/** In-process entry points of the Titan simulator (used by tests, the demo and bench). */
export { type BrainSim, type BrainSimOptions, type BreakerStatus, BRAIN_SUBJECTS, startBrainSim } from './brain.js';
export { EXECUTION_SUBJECTS, type ExecutionSim, type ExecutionSimOptions, type SimPosition, startExecutionSim } from './execution.js';
export { defaultOut, type Out, type Stream } from './log.js';
