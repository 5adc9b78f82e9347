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

/** Every change a service reports. Services call `emit(event)`; only the reducer changes state. */
export type CockpitEvent =
  | { type: 'conn'; target: Target; state: ConnState }
  | { type: 'containers.sync'; list: ContainerInfo[]; at: number }
  | { type: 'containers.error'; error: string; at: number }
  | { type: 'haltFile'; state: HaltFileState; at: number }
  | { type: 'haltFile.error'; error: string; at: number }
  | { type: 'evidence'; line: EvidenceLine }
  | { type: 'breaker'; status: BreakerStatus; source: 'status' | 'dashboard'; at: number }
  | { type: 'breaker.error'; error: string; at: number }
  | { type: 'probe'; result: ProbeResult }
  | { type: 'bus.malformed'; subject: string; error: string; at: number }
  | { type: 'bus.denied'; subject: string; error: string; at: number }
  | { type: 'logs.attached'; container: string | null; at: number }
  | { type: 'logs.batch'; container: string; added: number; dropped: number; at: number }
  | { type: 'logs.error'; container: string; error: string; at: number }
  | { type: 'action.report'; report: ActionReport }
  | { type: 'audit.appended'; entry: AuditEntry }
  | { type: 'audit.error'; error: string; at: number };

export type Emit = (event: CockpitEvent) => void;
