import type { Contract, LogPattern, ProfileName } from './types.js';

/**
 * Evidence patterns come from the real engines' log strings (contract §6) in BOTH profiles.
 * The runbook's own greps ("Halt", "HALT|NORMAL", "Breaker|Resume") match the engine's *failure*
 * line "Received unknown system state: NORMAL", so using them as evidence would report a resume
 * that never happened.
 */
const ENGINE_LOG_PATTERNS: LogPattern[] = [
  { id: 'exec-halt-activated', service: 'execution', kind: 'halt', regex: 'SYSTEM HALT ACTIVATED' },
  { id: 'exec-halt-initialized', service: 'execution', kind: 'halt', regex: 'System initialized in HALTED state' },
  { id: 'exec-sovereign-halt', service: 'execution', kind: 'halt', regex: 'SOVEREIGN HALT RECEIVED' },
  { id: 'exec-drift-halt', service: 'execution', kind: 'halt', regex: 'DRIFT → HALT' },
  { id: 'exec-halt-lifted', service: 'execution', kind: 'lift', regex: 'SYSTEM HALT LIFTED' },
  { id: 'exec-unknown-state', service: 'execution', kind: 'rejected', regex: 'Received unknown system state' },
  { id: 'exec-malformed-halt', service: 'execution', kind: 'rejected', regex: 'Received malformed system\\.halt payload' },
  { id: 'exec-flatten', service: 'execution', kind: 'flatten', regex: 'RECEIVED FLATTEN COMMAND' },
  { id: 'brain-remote-halt', service: 'brain', kind: 'breaker-trip', regex: '\\[SystemState\\] Remote (HARD|SOFT) HALT triggered' },
  { id: 'brain-sovereign', service: 'brain', kind: 'breaker-trip', regex: '\\[SOVEREIGN\\] EMERGENCY HALT TRIGGERED' },
  { id: 'brain-guardian-trip', service: 'brain', kind: 'breaker-trip', regex: 'Circuit Breaker TRIPPED' },
  { id: 'brain-remote-reset', service: 'brain', kind: 'breaker-reset', regex: 'Resetting Circuit Breaker via remote command' },
  { id: 'brain-guardian-reset', service: 'brain', kind: 'breaker-reset', regex: 'Circuit Breaker RESET' },
  { id: 'brain-unknown-state', service: 'brain', kind: 'rejected', regex: '\\[SystemState\\] Unknown state received' },
  { id: 'brain-flatten', service: 'brain', kind: 'flatten', regex: 'Emergency flatten request published' },
];

const SOURCE = 'titan-tui';

/** The current Titan code at HEAD a7c05a02 (titan-contract.md, with §11 winning). */
export const TITAN_PROFILE: Contract = {
  profile: 'titan',
  nats: {
    halt: {
      hard: {
        subject: 'titan.cmd.sys.halt.v1',
        payload: { state: 'HARD_HALT', reason: '{reason}', source: SOURCE, operator: '{operator}', timestamp: '{ts}' },
      },
      soft: {
        subject: 'titan.cmd.sys.halt.v1',
        payload: { state: 'SOFT_HALT', reason: '{reason}', source: SOURCE, operator: '{operator}', timestamp: '{ts}' },
      },
      open: {
        subject: 'titan.cmd.sys.halt.v1',
        payload: { state: 'OPEN', reason: '{reason}', source: SOURCE, operator: '{operator}', timestamp: '{ts}' },
      },
      legacyHard: null,
      legacyOpen: null,
    },
    flatten: { subject: 'titan.cmd.risk.flatten.v1', payload: { source: SOURCE, operator: '{operator}', reason: '{reason}' } },
    dashboardSubject: 'titan.data.dashboard.update.v1',
    heartbeatSubject: 'titan.sys.heartbeat.v1.risk-guardian',
    auditSubject: null,
  },
  http: {
    brain: {
      defaultUrl: 'http://127.0.0.1:3100',
      port: 3100,
      health: { method: 'GET', path: '/health', auth: { hmac: false, jwt: false } },
      status: { method: 'GET', path: '/status', auth: { hmac: false, jwt: false } },
      breakerReset: { method: 'POST', path: '/breaker/reset', auth: { hmac: true, jwt: true } },
      whoami: { method: 'GET', path: '/auth/whoami', auth: { hmac: true, jwt: true } },
    },
    execution: {
      defaultUrl: 'http://127.0.0.1:3002',
      port: 3002,
      health: { method: 'GET', path: '/health', auth: { hmac: false, jwt: false } },
    },
  },
  containers: {
    nats: 'nats',
    brain: 'titan-brain',
    execution: 'titan-execution',
    watch: '^(nats|postgres|redis|traefik|titan-.+)$',
  },
  compose: { execution: 'titan-execution', brain: 'titan-brain', sentinel: 'titan-sentinel' },
  haltFile: { path: '/app/system.halt', readAtStartOnly: true },
  logPatterns: ENGINE_LOG_PATTERNS,
};

/** The literal values of the operator runbook (runbook.md), for images and setups that still match it. */
export const RUNBOOK_PROFILE: Contract = {
  profile: 'runbook',
  nats: {
    halt: {
      hard: {
        subject: 'titan.cmd.sys.halt.v1',
        payload: { state: 'HARD_HALT', reason: '{reason}', source: 'manual' },
      },
      soft: null,
      open: {
        subject: 'titan.cmd.sys.halt.v1',
        payload: { state: 'NORMAL', reason: '{reason}', source: 'manual' },
      },
      legacyHard: { subject: 'system.halt', payload: { active: true, reason: '{reason}' } },
      legacyOpen: { subject: 'system.halt', payload: { active: false, reason: '{reason}' } },
    },
    flatten: { subject: 'titan.cmd.risk.flatten', payload: {} },
    dashboardSubject: 'titan.data.dashboard.update.v1',
    heartbeatSubject: 'titan.sys.heartbeat.v1.risk-guardian',
    auditSubject: null,
  },
  http: {
    brain: {
      defaultUrl: 'http://localhost:3100',
      port: 3100,
      health: { method: 'GET', path: '/health', auth: { hmac: false, jwt: false } },
      status: { method: 'GET', path: '/status', auth: { hmac: false, jwt: false } },
      breakerReset: { method: 'POST', path: '/api/breaker/reset', auth: { hmac: false, jwt: false } },
      whoami: null,
    },
    execution: {
      defaultUrl: 'http://localhost:3002',
      port: 3002,
      health: { method: 'GET', path: '/health', auth: { hmac: false, jwt: false } },
    },
  },
  containers: {
    nats: 'titan-nats',
    brain: 'titan-brain',
    execution: 'titan-execution',
    watch: '^titan-.+$',
  },
  compose: { execution: 'titan-execution', brain: 'titan-brain', sentinel: 'titan-sentinel' },
  // The runbook writes the relative `system.halt` through `docker exec`, whose working directory is /app.
  haltFile: { path: '/app/system.halt', readAtStartOnly: true },
  logPatterns: ENGINE_LOG_PATTERNS,
};

export const PROFILES: Record<ProfileName, Contract> = { titan: TITAN_PROFILE, runbook: RUNBOOK_PROFILE };
