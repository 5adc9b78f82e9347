import type { Config } from '../config/schema.js';
import type { Contract } from '../contract/types.js';
import type { AuditSink } from '../services/audit.js';
import type { Bus } from '../services/bus.js';
import type { Engine } from '../services/engine.js';
import type { HaltWatch } from '../services/halt-watch.js';
import type { CockpitStore } from '../state/store.js';
import type { ActionReport, ChannelOutcome } from '../state/types.js';

export const ACTION_IDS = [
  'stop-all',
  'halt',
  'resume',
  'flatten',
  'kill',
  'restart',
  'clear-halt-file',
  'breaker-reset',
  'recover',
] as const;
export type ActionId = (typeof ACTION_IDS)[number];

export interface ActionParams {
  reason?: string;
  soft?: boolean;
  /** For restart: 'execution', 'brain' or a container name. */
  service?: string;
}

/** What an action will do, shown before the typed confirmation. */
export interface ActionPlan {
  id: ActionId;
  title: string;
  /** The exact word the operator must type. */
  word: string;
  lines: string[];
  warning?: string;
  targets: string[];
  needsArm: boolean;
  /** Error that makes the action impossible right now (e.g. unknown service); shown instead of the prompt. */
  invalid?: string;
}

/** Everything an action may touch. The Runtime satisfies it; tests can build one from real services. */
export interface ActionDeps {
  store: CockpitStore;
  contract: Contract;
  config: Config;
  operator: string;
  bus: Bus;
  engine: Engine;
  haltWatch: HaltWatch;
  audit: AuditSink;
  serviceUrl: (service: 'brain' | 'execution') => Promise<string | null>;
  /** Aborted when the runtime stops: watches that outlive an action (follow-ups) end with it. */
  lifetime?: AbortSignal;
}

export interface RunContext {
  /** When the operator pressed the final Enter (latencies are measured from here). */
  enteredAt: number;
  /** Progress updates while running (the banner shows them). */
  progress: (report: ActionReport) => void;
  /** Between steps of a sequence: resolve false to stop. Absent: continue unless a step failed. */
  betweenSteps?: (done: ChannelOutcome, next: string) => Promise<boolean>;
  signal?: AbortSignal;
}
