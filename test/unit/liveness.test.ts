/**
 * Liveness's timing rules (the NATS and Docker tests freeze real servers; these pin the edges):
 * no ping while the server talks, silence only after quiet + answer time, anything heard while a
 * ping waits counts as an answer, and nothing is reported once stopped.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Liveness } from '../../src/services/liveness.js';

function setup() {
  const pings: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const changes: Array<number | null> = [];
  const l = new Liveness({
    quietMs: 5000,
    answerMs: 2000,
    ping: () => new Promise<void>((resolve, reject) => void pings.push({ resolve, reject })),
    onChange: (since) => void changes.push(since),
  });
  return { l, pings, changes };
}

describe('Liveness', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('sends nothing while the server is heard from at least every quiet period', () => {
    const { l, pings, changes } = setup();
    l.start();
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(1000);
      l.heard();
    }
    expect(pings).toHaveLength(0);
    expect(changes).toEqual([]);
    l.stop();
  });

  it('quiet for 5 s: one ping; unanswered 2 s later: silent since it was last heard; its answer clears it', async () => {
    const { l, pings, changes } = setup();
    l.start();
    const lastHeard = Date.now();
    vi.advanceTimersByTime(4999);
    expect(pings).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(pings).toHaveLength(1);
    vi.advanceTimersByTime(1999);
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(changes).toEqual([lastHeard]);
    // No second ping while the first one waits.
    vi.advanceTimersByTime(20_000);
    expect(pings).toHaveLength(1);
    pings[0]?.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(changes).toEqual([lastHeard, null]);
    l.stop();
  });

  it('anything heard while the ping waits answers it: not silent', () => {
    const { l, pings, changes } = setup();
    l.start();
    vi.advanceTimersByTime(5000);
    expect(pings).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    l.heard();
    vi.advanceTimersByTime(5000);
    expect(changes).toEqual([]);
    l.stop();
  });

  it('a failed ping (the link dropped) reports nothing; stopped, nothing more is reported', async () => {
    const { l, pings, changes } = setup();
    l.start();
    vi.advanceTimersByTime(5000);
    pings[0]?.reject(new Error('connection closed'));
    await vi.advanceTimersByTimeAsync(0);
    expect(changes).toEqual([]);
    // It tries again after a whole quiet period, not at once (a refused ping fails at once).
    await vi.advanceTimersByTimeAsync(4999);
    expect(pings).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(pings).toHaveLength(2);
    l.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(changes).toEqual([]);
    expect(pings).toHaveLength(2);
  });
});
