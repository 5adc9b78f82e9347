import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/contract/profiles.js';
import { buildPayload, resolveContract } from '../../src/contract/resolve.js';
import { contractProblem } from '../../src/contract/schema.js';

describe('contract profiles', () => {
  it('titan profile has the current code values (contract §1, §4, §5, §7)', () => {
    const t = PROFILES.titan;
    expect(t.nats.halt.hard.subject).toBe('titan.cmd.sys.halt.v1');
    expect(t.nats.halt.hard.payload.state).toBe('HARD_HALT');
    expect(t.nats.halt.soft?.payload.state).toBe('SOFT_HALT');
    expect(t.nats.halt.open.payload.state).toBe('OPEN');
    expect(t.nats.flatten.subject).toBe('titan.cmd.risk.flatten.v1');
    expect(t.http.brain.breakerReset).toEqual({ method: 'POST', path: '/breaker/reset', auth: { hmac: true, jwt: true } });
    expect(t.containers.nats).toBe('nats');
    expect(t.haltFile.path).toBe('/app/system.halt');
    expect(t.nats.dashboardSubject).toBe('titan.data.dashboard.update.v1');
  });

  it('runbook profile has the runbook literal values', () => {
    const r = PROFILES.runbook;
    expect(r.nats.halt.legacyHard).toEqual({ subject: 'system.halt', payload: { active: true, reason: '{reason}' } });
    expect(r.nats.halt.open.payload.state).toBe('NORMAL');
    expect(r.nats.flatten.subject).toBe('titan.cmd.risk.flatten');
    expect(r.http.brain.breakerReset.path).toBe('/api/breaker/reset');
    expect(r.containers.nats).toBe('titan-nats');
    expect(r.http.brain.defaultUrl).toBe('http://localhost:3100');
    expect(r.http.execution.defaultUrl).toBe('http://localhost:3002');
  });

  it("evidence never treats the engine's rejection of NORMAL as a lift", () => {
    for (const p of Object.values(PROFILES)) {
      const lifts = p.logPatterns.filter((x) => x.kind === 'lift').map((x) => new RegExp(x.regex));
      expect(lifts.some((re) => re.test('Received unknown system state: NORMAL'))).toBe(false);
    }
  });

  it('config overrides replace single entries and whole payloads', () => {
    const c = resolveContract('titan', {
      nats: { flatten: { subject: 'titan.cmd.risk.flatten' } },
      containers: { execution: 'exec-x' },
      haltFile: { path: '/x/halt' },
    });
    expect(c.nats.flatten.subject).toBe('titan.cmd.risk.flatten');
    expect(c.nats.flatten.payload).toEqual(PROFILES.titan.nats.flatten.payload);
    expect(c.containers.execution).toBe('exec-x');
    expect(c.containers.brain).toBe('titan-brain');
    const d = resolveContract('titan', { nats: { halt: { hard: { payload: { state: 'HARD_HALT' } } } } });
    expect(d.nats.halt.hard.payload).toEqual({ state: 'HARD_HALT' });
    expect(d.nats.halt.hard.subject).toBe('titan.cmd.sys.halt.v1');
    expect(PROFILES.titan.containers.execution).toBe('titan-execution');
  });

  it('buildPayload fills placeholders without evaluating anything', () => {
    const p = buildPayload(
      { state: 'HARD_HALT', reason: '{reason}', operator: '{operator}', timestamp: '{ts}', nested: { id: '#{id}' } },
      { reason: 'r {operator}', operator: 'op', id: 'abc', now: 42 },
    );
    expect(p).toEqual({ state: 'HARD_HALT', reason: 'r op', operator: 'op', timestamp: 42, nested: { id: '#abc' } });
  });

  it('both profiles pass the contract schema; a resolved contract is a copy, never the profile itself', () => {
    expect(contractProblem('titan', {})).toBeNull();
    expect(contractProblem('runbook', {})).toBeNull();
    expect(contractProblem('titan', { nats: { halt: { hard: null } } })).toMatch(/^contract\.nats\.halt\.hard: /);
    const c = resolveContract('titan', { containers: { execution: 'x' } });
    (c.nats.halt as { hard: unknown }).hard = null;
    expect(PROFILES.titan.nats.halt.hard).not.toBeNull();
  });
});
