import type {
  ActionReport,
  AuditEntry,
  BreakerStatus,
  ConnState,
  ContainerInfo,
  EvidenceLine,
  HaltFileState,
  ProbeResult,
  Target,
} from './types.js';
import type { RunState } from '../procedures/types.js';
import type { CheckId, CheckResult } from './checks.js';

/** Every change a service reports. Services call `emit(event)`; only the reducer changes state. */
export type CockpitEvent =
  | { type: 'conn'; target: Target; state: ConnState }
  | { type: 'check'; id: CheckId; result: CheckResult }
  /** The cockpit was armed until then (ms epoch), or disarmed (null). Actions that need arming read it. */
  | { type: 'arm'; until: number | null }
  /** The cockpit's procedure run, as its runner reports it (src/procedures/run-store.ts). */
  | { type: 'procedure.run'; state: RunState }
  | { type: 'containers.sync'; list: ContainerInfo[]; at: number }
  | { type: 'containers.error'; error: string; at: number }
  | { type: 'haltFile'; state: HaltFileState; at: number }
  | { type: 'haltFile.error'; error: string; at: number }
  | { type: 'evidence'; line: EvidenceLine }
  /** `at`: when it arrived; `dataAt`: the data's own time (null when the source gave none). */
  | { type: 'breaker'; status: BreakerStatus; source: 'status' | 'dashboard'; at: number; dataAt: number | null }
  | { type: 'breaker.error'; error: string; at: number }
  | { type: 'probe'; result: ProbeResult }
  | { type: 'bus.malformed'; subject: string; error: string; at: number }
  | { type: 'bus.denied'; subject: string; error: string; at: number }
  | { type: 'logs.attached'; container: string | null; at: number }
  /** behindMs: how far the batch's newest line is behind now, by its own time (undefined: no time in it). */
  | { type: 'logs.batch'; container: string; added: number; dropped: number; at: number; behindMs?: number }
  /** The evidence watch could not scan every line of a service's log (lost candidate lines). */
  | { type: 'evidence.gap'; service: 'execution' | 'brain'; lost: number; at: number }
  | { type: 'logs.error'; container: string; error: string; at: number }
  | { type: 'action.report'; report: ActionReport }
  | { type: 'audit.appended'; entry: AuditEntry }
  /** The audit file as it is now (the Audit screen re-reads it when opened). */
  | { type: 'audit.loaded'; entries: AuditEntry[]; at: number }
  | { type: 'audit.error'; error: string; at: number };

export type Emit = (event: CockpitEvent) => void;
