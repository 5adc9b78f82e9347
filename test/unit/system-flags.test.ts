/** The header's system state: HALTED and BREAKER ACTIVE only when true, BREAKER ? when not known. */
import { describe, expect, it } from 'vitest';
import { breakerFlag, haltFlag } from '../../src/components/system-flags.js';
import { breakerView } from '../../src/state/breaker.js';
import { initialState } from '../../src/state/store.js';
import type { EvidenceLine } from '../../src/state/types.js';
import { container } from '../helpers/offline-runtime.js';

const EXEC = 'titan-execution';
const T0 = Date.parse('2026-11-28T02:00:00Z');

function state() {
  const s = initialState(T0);
  return { ...s, containers: { value: [container(EXEC, { startedAt: new Date(T0 - 3_600_000).toISOString() })], at: T0 } };
}
const line = (kind: string, at: number): EvidenceLine => ({
  service: 'execution',
  kind,
  patternId: kind,
  text: kind === 'halt' ? '🚨 SYSTEM HALT ACTIVATED: drill' : '✅ SYSTEM HALT LIFTED',
  at,
});
const withLines = (s: ReturnType<typeof state>, lines: EvidenceLine[]) => ({
  ...s,
  evidence: { ...s.evidence, execution: lines.at(-1) ?? null, recent: lines },
});

describe('haltFlag', () => {
  it('HALTED while the halt file is present', () => {
    const s = state();
    expect(haltFlag(s, EXEC)).toBeNull();
    expect(haltFlag({ ...s, haltFile: { value: { present: true }, at: T0 } }, EXEC)?.text).toBe('HALTED');
    expect(haltFlag({ ...s, haltFile: { value: { present: false }, at: T0 } }, EXEC)).toBeNull();
  });

  it("HALTED from the engine's halt line until its lift line", () => {
    const s = state();
    expect(haltFlag(withLines(s, [line('halt', T0)]), EXEC)?.text).toBe('HALTED');
    expect(haltFlag(withLines(s, [line('halt', T0), line('lift', T0 + 1000)]), EXEC)).toBeNull();
    // A flatten or rejection line after the halt does not hide it.
    const flatten: EvidenceLine = { ...line('halt', T0 + 2000), kind: 'flatten', patternId: 'exec-flatten' };
    expect(haltFlag(withLines(s, [line('halt', T0), flatten]), EXEC)?.text).toBe('HALTED');
  });

  it('a halt line from before the container last started is history (a restart without the file boots un-halted)', () => {
    const s = state();
    const restarted = { ...s, containers: { value: [container(EXEC, { startedAt: new Date(T0 + 5000).toISOString() })], at: T0 } };
    expect(haltFlag(withLines(restarted, [line('halt', T0)]), EXEC)).toBeNull();
    expect(haltFlag(withLines(restarted, [{ ...line('halt', T0 + 9000), lineTime: new Date(T0 + 6000).toISOString() }]), EXEC)?.text).toBe(
      'HALTED',
    );
  });
});

describe('breakerFlag', () => {
  it('BREAKER ACTIVE from a fresh reading, BREAKER ? when unknown or stale, nothing when fresh and inactive', () => {
    const s = initialState(T0);
    const fresh = (active: boolean) => ({
      ...s,
      breaker: { value: { active }, at: T0, source: 'status' as const },
      confirmed: { ...s.confirmed, breaker: T0, breakerDataAt: T0 },
    });
    expect(breakerFlag(breakerView(fresh(true), T0 + 1000, 10_000))).toEqual({ text: 'BREAKER ACTIVE', tone: 'bad' });
    expect(breakerFlag(breakerView(fresh(false), T0 + 1000, 10_000))).toBeNull();
    expect(breakerFlag(breakerView(s, T0, 10_000))?.text).toBe('BREAKER ?'); // never read
    // An active reading too old to be current is not shown as active: it is unknown.
    expect(breakerFlag(breakerView(fresh(true), T0 + 11_000, 10_000))).toEqual({ text: 'BREAKER ?', tone: 'warn' });
  });
});
