import { idleRunState } from '../procedures/idle-run.js';
import type { RunState } from '../procedures/types.js';
import type { Checks } from './checks.js';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CockpitEvent } from './events.js';
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

/** A value with the time it was last confirmed by its source; `error` is the latest failure, if any. */
export interface Sourced<T> {
  value: T;
  at: number | null;
  error?: string;
  errorAt?: number;
}

export interface CockpitState {
  connections: Record<Target, ConnState>;
  /**
   * When each source last confirmed its value, kept apart from the values: a confirmation that
   * changes nothing must not replace the value object, or every pane would redraw (idle CPU).
   */
  confirmed: {
    containers: number | null;
    haltFile: number | null;
    breaker: number | null;
    /** The breaker data's own time (see state/breaker.ts); kept here so a new age alone redraws nothing. */
    breakerDataAt: number | null;
  };
  containers: Sourced<ContainerInfo[]>;
  haltFile: Sourced<HaltFileState | null>;
  /** Last halt/lift/breaker evidence line per service. */
  evidence: {
    execution: EvidenceLine | null;
    brain: EvidenceLine | null;
    recent: EvidenceLine[];
    /** Candidate lines the evidence watch had to drop: verification cannot claim it saw everything. */
    gap?: { service: 'execution' | 'brain'; lost: number; at: number };
  };
  breaker: Sourced<BreakerStatus | null> & { source?: 'status' | 'dashboard' };
  probes: Record<string, ProbeResult>;
  bus: {
    malformed: number;
    lastMalformed?: { subject: string; error: string; at: number };
    denied: Record<string, { error: string; at: number }>;
  };
  /** behindMs: the pane's newest line's lag behind live, by the line's own time (null: unknown). */
  logs: { container: string | null; version: number; dropped: number; error?: string; at: number | null; behindMs: number | null };
  actions: { last: ActionReport | null; history: ActionReport[] };
  audit: { recent: AuditEntry[]; alarm: { error: string; at: number } | null };
  /** Stop-path checks a connection cannot answer (publish permission, brain credentials). */
  checks: Checks;
  /** ARMED until then (ms epoch); null is SAFE. Domain state: actions and procedures are gated on it. */
  armedUntil: number | null;
  /** The procedure run of the Procedures screen (idle when none). */
  procedure: RunState;
}

const RECENT_EVIDENCE = 20;
const ACTION_HISTORY = 50;
const AUDIT_RECENT = 200;

export function initialState(now = Date.now()): CockpitState {
  const conn = (): ConnState => ({ status: 'connecting', since: now });
  return {
    connections: { nats: conn(), docker: conn(), brain: conn(), execution: conn() },
    confirmed: { containers: null, haltFile: null, breaker: null, breakerDataAt: null },
    containers: { value: [], at: null },
    haltFile: { value: null, at: null },
    evidence: { execution: null, brain: null, recent: [] },
    breaker: { value: null, at: null },
    probes: {},
    bus: { malformed: 0, denied: {} },
    logs: { container: null, version: 0, dropped: 0, at: null, behindMs: null },
    actions: { last: null, history: [] },
    audit: { recent: [], alarm: null },
    checks: {},
    armedUntil: null,
    procedure: idleRunState(),
  };
}

const pushBounded = <T>(list: T[], item: T, max: number): T[] => {
  const next = list.length >= max ? list.slice(list.length - max + 1) : list.slice();
  next.push(item);
  return next;
};

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/** A confirmation of an unchanged value: only the confirmation time moves. */
function confirm<K extends keyof CockpitState['confirmed']>(s: CockpitState, key: K, at: number): CockpitState {
  return { ...s, confirmed: { ...s.confirmed, [key]: at } };
}

/** Pure reducer: the only place state changes. Returns the same object when nothing changed. */
export function reduce(s: CockpitState, e: CockpitEvent): CockpitState {
  switch (e.type) {
    case 'procedure.run':
      return { ...s, procedure: e.state };
    case 'arm':
      return s.armedUntil === e.until ? s : { ...s, armedUntil: e.until };
    case 'check': {
      const prev = s.checks[e.id];
      // The same verdict again changes nothing on screen: keep the object (no redraw).
      if (prev && prev.state === e.result.state && prev.detail === e.result.detail) return s;
      return { ...s, checks: { ...s.checks, [e.id]: e.result } };
    }
    case 'conn': {
      const prev = s.connections[e.target];
      const merged: ConnState = {
        ...e.state,
        lastOk: e.state.status === 'connected' ? (e.state.lastOk ?? Date.now()) : (e.state.lastOk ?? prev.lastOk),
      };
      return { ...s, connections: { ...s.connections, [e.target]: merged } };
    }
    case 'containers.sync':
      if (s.containers.error === undefined && s.containers.at !== null && same(s.containers.value, e.list))
        return confirm(s, 'containers', e.at);
      return { ...s, containers: { value: e.list, at: e.at }, confirmed: { ...s.confirmed, containers: e.at } };
    case 'containers.error':
      return { ...s, containers: { ...s.containers, error: e.error, errorAt: e.at } };
    case 'haltFile':
      if (s.haltFile.error === undefined && s.haltFile.at !== null && same(s.haltFile.value, e.state)) return confirm(s, 'haltFile', e.at);
      return { ...s, haltFile: { value: e.state, at: e.at }, confirmed: { ...s.confirmed, haltFile: e.at } };
    case 'haltFile.error':
      return { ...s, haltFile: { ...s.haltFile, error: e.error, errorAt: e.at } };
    case 'evidence':
      return {
        ...s,
        evidence: { ...s.evidence, [e.line.service]: e.line, recent: pushBounded(s.evidence.recent, e.line, RECENT_EVIDENCE) },
      };
    case 'breaker': {
      const confirmed = { ...s.confirmed, breaker: e.at, breakerDataAt: e.dataAt };
      if (s.breaker.error === undefined && s.breaker.source === e.source && same(s.breaker.value, e.status)) return { ...s, confirmed };
      return { ...s, breaker: { value: e.status, at: e.at, source: e.source }, confirmed };
    }
    case 'breaker.error':
      return { ...s, breaker: { ...s.breaker, error: e.error, errorAt: e.at } };
    case 'probe':
      return { ...s, probes: { ...s.probes, [e.result.name]: e.result } };
    case 'bus.malformed':
      return { ...s, bus: { ...s.bus, malformed: s.bus.malformed + 1, lastMalformed: { subject: e.subject, error: e.error, at: e.at } } };
    case 'bus.denied':
      return { ...s, bus: { ...s.bus, denied: { ...s.bus.denied, [e.subject]: { error: e.error, at: e.at } } } };
    case 'logs.attached':
      return { ...s, logs: { container: e.container, version: s.logs.version + 1, dropped: 0, at: e.at, behindMs: null } };
    case 'logs.batch':
      if (e.container !== s.logs.container) return s;
      return {
        ...s,
        logs: {
          ...s.logs,
          version: s.logs.version + 1,
          dropped: s.logs.dropped + e.dropped,
          at: e.at,
          error: undefined,
          behindMs: e.behindMs ?? s.logs.behindMs,
        },
      };
    case 'evidence.gap':
      return { ...s, evidence: { ...s.evidence, gap: { service: e.service, lost: (s.evidence.gap?.lost ?? 0) + e.lost, at: e.at } } };
    case 'logs.error':
      if (e.container !== s.logs.container) return s;
      return { ...s, logs: { ...s.logs, error: e.error } };
    case 'action.report': {
      const others = s.actions.history.filter((r) => r.id !== e.report.id);
      // A late update of an older action (its follow-up watch) must not cover a newer action's banner.
      const last = s.actions.last;
      const current = last === null || last.id === e.report.id || e.report.startedAt >= last.startedAt ? e.report : last;
      return { ...s, actions: { last: current, history: pushBounded(others, e.report, ACTION_HISTORY) } };
    }
    case 'audit.loaded':
      return { ...s, audit: { ...s.audit, recent: e.entries.slice(-AUDIT_RECENT) } };
    case 'audit.appended':
      return { ...s, audit: { ...s.audit, recent: pushBounded(s.audit.recent, e.entry, AUDIT_RECENT) } };
    case 'audit.error':
      return { ...s, audit: { ...s.audit, alarm: { error: e.error, at: e.at } } };
  }
}

export type CockpitStore = StoreApi<CockpitState> & { emit: (e: CockpitEvent) => void };

export function createCockpitStore(initial: CockpitState = initialState()): CockpitStore {
  const store = createStore<CockpitState>(() => initial);
  const emit = (e: CockpitEvent) => {
    const prev = store.getState();
    const next = reduce(prev, e);
    if (next !== prev) store.setState(next, true);
  };
  return Object.assign(store, { emit });
}
