/** Shapes shared by services (which produce them) and screens (which render them). No I/O here. */

export type Target = 'nats' | 'docker' | 'brain' | 'execution';

export interface ConnState {
  status: 'connecting' | 'connected' | 'reconnecting' | 'disconnected';
  /** When this status began (epoch ms). */
  since: number;
  /** Reconnect attempt number while reconnecting. */
  attempt?: number;
  /** Operator-readable error text from the server or the OS, secrets removed. */
  error?: string;
  /** Server or endpoint currently used, without credentials. */
  endpoint?: string;
  /** Last time this connection was positively confirmed alive. */
  lastOk?: number;
  /** Connected, but the server has not answered since then (a PING went unanswered): frozen or cut off. */
  silentSince?: number;
}

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  state: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | string;
  /** Docker health status, or 'none' when the container has no healthcheck. */
  health: 'healthy' | 'unhealthy' | 'starting' | 'none';
  /** ISO time the container last started, for uptime; '' when never. */
  startedAt: string;
  finishedAt: string;
  exitCode: number | null;
  restartCount: number;
  tty: boolean;
}

export type ProbeStatus = 'healthy' | 'degraded' | 'unhealthy' | 'timeout' | 'refused' | 'unauthorized' | 'error';

export interface ProbeResult {
  name: string;
  url: string;
  status: ProbeStatus;
  httpStatus?: number;
  latencyMs: number;
  /** Short operator-readable detail (body status, error text). */
  detail?: string;
  at: number;
}

/** Brain's BreakerStatus (contract §4.1), validated at the edge. */
export interface BreakerStatus {
  active: boolean;
  type?: string;
  action?: string;
  reason?: string;
  triggeredAt?: number | string;
  cooldownEndsAt?: number | string;
  tripCount?: number;
  lastTripTime?: number | string;
  lastReset?: number | string;
}

export interface HaltFileState {
  present: boolean;
  content?: string;
  /** mtime reported by the engine (ISO). */
  mtime?: string;
  size?: number;
}

export interface EvidenceLine {
  service: 'execution' | 'brain';
  kind: string;
  patternId: string;
  text: string;
  /** Time the cockpit received the line. */
  at: number;
  /** Time stamped in the line, when it had one (the engine's own, else Docker's). */
  lineTime?: string;
  /**
   * When the engine wrote the line, by its own timestamp field (ms), only when the line parsed and
   * carried one. The only time that proves a line is later than a command: Docker and the cockpit
   * may read a line written before the command after it, when the pipe is backed up.
   */
  writtenAt?: number;
}

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL' | '';

export interface LogLine {
  /** Monotonic sequence number within a stream. */
  seq: number;
  stream: 'stdout' | 'stderr';
  /** Docker's timestamp for the line (ISO), when requested. */
  ts?: string;
  level: LogLevel;
  /** Sanitized display text: printable characters and SGR only. */
  text: string;
  /** Evidence kind when the line matched a contract log pattern. */
  evidence?: string;
}

export type Outcome = 'VERIFIED' | 'NOT_CONFIRMED' | 'FAILED' | 'CANCELLED' | 'RUNNING';

export interface ChannelOutcome {
  channel: string;
  outcome: Outcome;
  detail: string;
  latencyMs?: number;
}

export interface ActionReport {
  id: string;
  action: string;
  startedAt: number;
  finishedAt?: number;
  outcome: Outcome;
  summary: string;
  channels: ChannelOutcome[];
  /** Suggested next escalation, when not verified. */
  next?: string;
  /** Set on the update that the watch after the report produced (late evidence, or its end). */
  followUp?: 'late-verified' | 'late-rejected' | 'watch-ended';
}

export interface AuditEntry {
  time: string;
  id: string;
  operator: string;
  host: string;
  sshClient: string | null;
  tty: string | null;
  profile: string;
  action: string;
  targets: string[];
  confirmation: string | null;
  outcome: Outcome;
  channels: ChannelOutcome[];
  latencyMs: number | null;
  error: string | null;
  /** A follow-up record for the same action id: evidence that arrived after the report. */
  followUp?: 'late-verified' | 'late-rejected' | 'watch-ended';
  /** The context (deployment) the record was made in, when one is in use (stamped by the audit log). */
  context?: string;
}
