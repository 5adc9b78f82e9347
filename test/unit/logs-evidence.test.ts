import { describe, expect, it } from 'vitest';
import { TITAN_PROFILE } from '../../src/contract/profiles.js';
import type { LogPattern } from '../../src/contract/types.js';
import { EvidenceMatcher } from '../../src/services/logs/evidence.js';

describe('EvidenceMatcher', () => {
  const matcher = new EvidenceMatcher(TITAN_PROFILE.logPatterns);

  it('compiles the contract patterns without errors', () => {
    expect(matcher.errors).toEqual([]);
  });

  it('matches execution halt, lift and rejection lines', () => {
    expect(matcher.match('execution', '🚨 SYSTEM HALT ACTIVATED: drill')?.id).toBe('exec-halt-activated');
    expect(matcher.match('execution', '✅ SYSTEM HALT LIFTED: ok')?.kind).toBe('lift');
    // the runbook's NORMAL "resume" is a rejection, never a lift
    expect(matcher.match('execution', 'Received unknown system state: NORMAL')?.kind).toBe('rejected');
    expect(matcher.match('execution', '🚨 DRIFT → HALT: 3 fills')?.kind).toBe('halt');
  });

  it('matches only the patterns of the given service', () => {
    expect(matcher.match('brain', '🚨 SYSTEM HALT ACTIVATED: drill')).toBeNull();
    expect(matcher.match('brain', '[SystemState] Remote HARD HALT triggered')?.kind).toBe('breaker-trip');
    expect(matcher.match('execution', '[SystemState] Remote HARD HALT triggered')).toBeNull();
    expect(matcher.match('execution', 'all quiet')).toBeNull();
  });

  it('reports an invalid regex from config as an error and keeps the valid patterns', () => {
    const patterns: LogPattern[] = [
      { id: 'broken', service: 'execution', kind: 'halt', regex: '(unclosed' },
      { id: 'ok', service: 'execution', kind: 'lift', regex: 'LIFTED' },
    ];
    const m = new EvidenceMatcher(patterns);
    expect(m.errors).toHaveLength(1);
    expect(m.errors[0]).toContain('"broken"');
    expect(m.errors[0]).toContain('invalid regex');
    expect(m.match('execution', 'HALT LIFTED')?.id).toBe('ok');
    expect(m.match('execution', '(unclosed')).toBeNull();
  });

  it('reports a pattern for an unknown service instead of throwing', () => {
    const m = new EvidenceMatcher([{ id: 'x', service: 'sentinel' as 'brain', kind: 'halt', regex: 'x' }]);
    expect(m.errors[0]).toContain('unknown service');
  });
});
