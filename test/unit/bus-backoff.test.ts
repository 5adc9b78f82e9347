import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, resolveBackoff } from '../../src/services/bus/backoff.js';

const lowest = () => 0;
const highest = () => 0.999999;

describe('bus reconnect backoff (defaults)', () => {
  it('starts at about 0.5 s', () => {
    expect(DEFAULT_BACKOFF.initialMs).toBe(500);
    expect(backoffDelay(1, DEFAULT_BACKOFF, lowest)).toBe(500);
    expect(backoffDelay(1, DEFAULT_BACKOFF, highest)).toBeLessThanOrEqual(600);
  });

  it('never exceeds 20 s and reaches that region after a dozen attempts', () => {
    expect(DEFAULT_BACKOFF.maxMs).toBe(20_000);
    for (let n = 1; n <= 200; n++) {
      for (const r of [lowest, highest, Math.random]) {
        const d = backoffDelay(n, DEFAULT_BACKOFF, r);
        expect(d).toBeGreaterThanOrEqual(500);
        expect(d).toBeLessThanOrEqual(20_000);
      }
    }
    expect(backoffDelay(12, DEFAULT_BACKOFF, lowest)).toBeGreaterThanOrEqual(16_000);
  });

  it('grows with the attempt number', () => {
    let prev = 0;
    for (let n = 1; n <= 12; n++) {
      const mid = backoffDelay(n, DEFAULT_BACKOFF, () => 0.5);
      expect(mid).toBeGreaterThanOrEqual(prev);
      prev = mid;
    }
    expect(backoffDelay(5, DEFAULT_BACKOFF, () => 0.5)).toBeGreaterThan(backoffDelay(2, DEFAULT_BACKOFF, () => 0.5));
  });

  it('jitters, so clients do not reconnect in lockstep', () => {
    expect(backoffDelay(6, DEFAULT_BACKOFF, lowest)).toBeLessThan(backoffDelay(6, DEFAULT_BACKOFF, highest));
  });

  it('clamps nonsense overrides instead of spinning or stalling', () => {
    const p = resolveBackoff({ initialMs: 0, maxMs: -5, factor: 0.1, jitter: 7 });
    expect(p.initialMs).toBeGreaterThanOrEqual(10);
    expect(p.maxMs).toBeGreaterThanOrEqual(p.initialMs);
    expect(p.factor).toBeGreaterThanOrEqual(1);
    expect(p.jitter).toBeLessThanOrEqual(1);
  });
});
