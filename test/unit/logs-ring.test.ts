import { describe, expect, it } from 'vitest';
import { DEFAULT_RING_CAPACITY, LogRing, MAX_RING_CAPACITY } from '../../src/services/logs/ring.js';
import type { LogLine } from '../../src/state/types.js';

const line = (seq: number): LogLine => ({ seq, stream: 'stdout', level: '', text: `line ${seq}` });
const seqs = (lines: LogLine[]) => lines.map((l) => l.seq);

describe('LogRing', () => {
  it('keeps the newest lines in order across wraparound, and counts evictions', () => {
    const ring = new LogRing(3);
    for (let i = 0; i < 5; i++) ring.push(line(i));
    expect(ring.size).toBe(3);
    expect(ring.total).toBe(5);
    expect(ring.evicted).toBe(2);
    expect(ring.dropped).toBe(0);
    expect(seqs(ring.slice())).toEqual([2, 3, 4]);
    expect(seqs(ring.slice(1, 2))).toEqual([3]);
    expect(seqs(ring.slice(-2))).toEqual([3, 4]);
    expect(seqs(ring.slice(2, 99))).toEqual([4]);
    expect(ring.at(0)?.seq).toBe(2);
    expect(ring.at(-1)?.seq).toBe(4);
    expect(ring.at(3)).toBeUndefined();
    expect(ring.at(-4)).toBeUndefined();
  });

  it('stays correct after many laps', () => {
    const ring = new LogRing(7);
    for (let i = 0; i < 1000; i++) ring.push(line(i));
    expect(seqs(ring.slice())).toEqual([993, 994, 995, 996, 997, 998, 999]);
    expect(ring.evicted).toBe(993);
  });

  it('before it is full, holds exactly what was pushed', () => {
    const ring = new LogRing(10);
    ring.push(line(1));
    ring.push(line(2));
    expect(seqs(ring.slice())).toEqual([1, 2]);
    expect(ring.evicted).toBe(0);
  });

  it('counts drops reported by the stream separately from evictions', () => {
    const ring = new LogRing(2);
    ring.recordDropped(5);
    ring.recordDropped(0);
    ring.recordDropped(-3);
    expect(ring.dropped).toBe(5);
    expect(ring.evicted).toBe(0);
  });

  it('clamps capacity to [1, 50000] with a default of 5000', () => {
    expect(new LogRing().capacity).toBe(DEFAULT_RING_CAPACITY);
    expect(DEFAULT_RING_CAPACITY).toBe(5000);
    expect(new LogRing(10_000_000).capacity).toBe(MAX_RING_CAPACITY);
    expect(MAX_RING_CAPACITY).toBe(50_000);
    expect(new LogRing(0).capacity).toBe(1);
    expect(new LogRing(Number.NaN).capacity).toBe(DEFAULT_RING_CAPACITY);
  });

  it('clear() empties the ring and resets counters', () => {
    const ring = new LogRing(2);
    for (let i = 0; i < 5; i++) ring.push(line(i));
    ring.recordDropped(1);
    ring.clear();
    expect([ring.size, ring.total, ring.evicted, ring.dropped]).toEqual([0, 0, 0, 0]);
    expect(ring.slice()).toEqual([]);
    ring.push(line(9));
    expect(seqs(ring.slice())).toEqual([9]);
  });
});
