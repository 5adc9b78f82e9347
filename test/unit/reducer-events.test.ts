/**
 * The store's pure reducer, one case per event type (the list is checked against the union, so a
 * new event type without a test here fails the suite).
 */
import { describe, expect, it } from 'vitest';
import type { CockpitEvent } from '../../src/state/events.js';
import { type CockpitState, initialState, reduce } from '../../src/state/store.js';
import type { ActionReport, AuditEntry } from '../../src/state/types.js';
import { container } from '../helpers/offline-runtime.js';

const s0 = () => initialState(0);
const report = (id: string, startedAt: number, outcome: ActionReport['outcome'] = 'VERIFIED'): ActionReport => ({
  id,
  action: 'halt',
  startedAt,
  outcome,
  summary: 's',
  channels: [],
});
const entry = (id: string): AuditEntry => ({
  time: '2026-12-01T00:00:00Z',
  id,
  operator: 'op',
  host: 'h',
  sshClient: null,
  tty: null,
  profile: 'titan',
  action: 'halt',
  targets: [],
  confirmation: 'HALT',
  outcome: 'VERIFIED',
  channels: [],
  latencyMs: 1,
  error: null,
});

type Case = [CockpitEvent['type'], (s: CockpitState) => void];

const CASES: Case[] = [
  [
    'conn',
    (s) => {
      const n = reduce(s, { type: 'conn', target: 'nats', state: { status: 'connected', since: 5 } });
      expect(n.connections.nats.status).toBe('connected');
    },
  ],
  [
    'check',
    (s) => {
      const e: CockpitEvent = { type: 'check', id: 'nats-permission', result: { state: 'unverifiable', detail: 'd', at: 1 } };
      const n = reduce(s, e);
      expect(n.checks['nats-permission']?.state).toBe('unverifiable');
      expect(reduce(n, { ...e, result: { ...e.result, at: 2 } })).toBe(n); // the same verdict: no redraw
    },
  ],
  [
    'arm',
    (s) => {
      const n = reduce(s, { type: 'arm', until: 60_000 });
      expect(n.armedUntil).toBe(60_000);
      expect(reduce(n, { type: 'arm', until: null }).armedUntil).toBeNull();
    },
  ],
  [
    'procedure.run',
    (s) => {
      expect(s.procedure.status).toBe('idle');
      const n = reduce(s, { type: 'procedure.run', state: { ...s.procedure, procedureId: 'code-rollback', status: 'running' } });
      expect(n.procedure).toMatchObject({ procedureId: 'code-rollback', status: 'running' });
    },
  ],
  [
    'containers.sync',
    (s) => {
      const n = reduce(s, { type: 'containers.sync', list: [container('a')], at: 3 });
      expect(n.containers.value.map((c) => c.name)).toEqual(['a']);
      expect(n.confirmed.containers).toBe(3);
    },
  ],
  ['containers.error', (s) => expect(reduce(s, { type: 'containers.error', error: 'down', at: 1 }).containers.error).toBe('down')],
  [
    'haltFile',
    (s) => expect(reduce(s, { type: 'haltFile', state: { present: true, content: 'x' }, at: 1 }).haltFile.value?.present).toBe(true),
  ],
  ['haltFile.error', (s) => expect(reduce(s, { type: 'haltFile.error', error: 'e', at: 1 }).haltFile.error).toBe('e')],
  [
    'evidence',
    (s) => {
      const line = { service: 'execution' as const, kind: 'halt', patternId: 'p', text: 't', at: 1 };
      const n = reduce(s, { type: 'evidence', line });
      expect(n.evidence.execution).toBe(line);
      expect(n.evidence.recent).toEqual([line]);
    },
  ],
  [
    'evidence.gap',
    (s) => {
      const n = reduce(reduce(s, { type: 'evidence.gap', service: 'execution', lost: 2, at: 1 }), {
        type: 'evidence.gap',
        service: 'execution',
        lost: 3,
        at: 2,
      });
      expect(n.evidence.gap).toEqual({ service: 'execution', lost: 5, at: 2 });
    },
  ],
  [
    'breaker',
    (s) => {
      const n = reduce(s, { type: 'breaker', status: { active: true }, source: 'dashboard', at: 10, dataAt: 4 });
      expect(n.breaker.value?.active).toBe(true);
      expect(n.confirmed.breakerDataAt).toBe(4);
      // The same value again only moves the times (no new value object: no redraw).
      const again = reduce(n, { type: 'breaker', status: { active: true }, source: 'dashboard', at: 11, dataAt: 5 });
      expect(again.breaker).toBe(n.breaker);
      expect(again.confirmed.breakerDataAt).toBe(5);
    },
  ],
  ['breaker.error', (s) => expect(reduce(s, { type: 'breaker.error', error: 'timeout', at: 1 }).breaker.error).toBe('timeout')],
  [
    'probe',
    (s) =>
      expect(
        reduce(s, { type: 'probe', result: { name: 'brain', url: 'u', status: 'healthy', latencyMs: 1, at: 1 } }).probes.brain?.status,
      ).toBe('healthy'),
  ],
  ['bus.malformed', (s) => expect(reduce(s, { type: 'bus.malformed', subject: 'x', error: 'e', at: 1 }).bus.malformed).toBe(1)],
  ['bus.denied', (s) => expect(reduce(s, { type: 'bus.denied', subject: 'x', error: 'e', at: 1 }).bus.denied.x?.error).toBe('e')],
  [
    'logs.attached',
    (s) => {
      const n = reduce(s, { type: 'logs.attached', container: 'c', at: 1 });
      expect(n.logs).toMatchObject({ container: 'c', dropped: 0, behindMs: null });
    },
  ],
  [
    'logs.batch',
    (s) => {
      const a = reduce(s, { type: 'logs.attached', container: 'c', at: 1 });
      const n = reduce(a, { type: 'logs.batch', container: 'c', added: 3, dropped: 2, at: 2, behindMs: 1500 });
      expect(n.logs).toMatchObject({ dropped: 2, behindMs: 1500, at: 2 });
      expect(reduce(n, { type: 'logs.batch', container: 'other', added: 1, dropped: 0, at: 3 })).toBe(n); // another stream's batch
    },
  ],
  [
    'logs.error',
    (s) => {
      const a = reduce(s, { type: 'logs.attached', container: 'c', at: 1 });
      expect(reduce(a, { type: 'logs.error', container: 'c', error: 'ended', at: 2 }).logs.error).toBe('ended');
    },
  ],
  [
    'action.report',
    (s) => {
      const newer = reduce(s, { type: 'action.report', report: report('new', 100) });
      // A late follow-up of an older action updates its history entry, never the newer banner.
      const late = reduce(newer, { type: 'action.report', report: report('old', 50, 'VERIFIED') });
      expect(late.actions.last?.id).toBe('new');
      expect(late.actions.history.map((r) => r.id)).toEqual(['new', 'old']);
    },
  ],
  ['audit.appended', (s) => expect(reduce(s, { type: 'audit.appended', entry: entry('a') }).audit.recent.map((e) => e.id)).toEqual(['a'])],
  [
    'audit.loaded',
    (s) => {
      const n = reduce(reduce(s, { type: 'audit.appended', entry: entry('a') }), {
        type: 'audit.loaded',
        entries: [entry('x'), entry('y')],
        at: 1,
      });
      expect(n.audit.recent.map((e) => e.id)).toEqual(['x', 'y']);
    },
  ],
  ['audit.error', (s) => expect(reduce(s, { type: 'audit.error', error: 'disk full', at: 1 }).audit.alarm?.error).toBe('disk full')],
];

describe('reducer: every event type', () => {
  for (const [type, check] of CASES) it(type, () => check(s0()));

  it('covers every event type of the union', () => {
    // Each `case` of the reducer has a row above: the reducer's own switch is the list.
    const source = reduce.toString();
    const handled = [...source.matchAll(/case ["']([a-zA-Z.]+)["']/g)].map((m) => m[1]).sort();
    expect(CASES.map(([t]) => t).sort()).toEqual(handled);
  });
});
