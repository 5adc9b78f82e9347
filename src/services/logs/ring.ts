/**
 * Fixed-size circular buffer of log lines: the log pane's memory bound.
 * The backing array is allocated once, so a flood never grows the heap; push is O(1).
 */
import type { LogLine } from '../../state/types.js';

export const DEFAULT_RING_CAPACITY = 5000;
/** Hard ceiling whatever the config says: 50,000 lines of ≤ 4 KiB is the most the pane may hold. */
export const MAX_RING_CAPACITY = 50_000;

export class LogRing {
  readonly capacity: number;
  private readonly buf: Array<LogLine | undefined>;
  /** Physical index of the oldest line. */
  private head = 0;
  private count = 0;
  private pushed = 0;
  private evictedCount = 0;
  private droppedCount = 0;

  constructor(capacity = DEFAULT_RING_CAPACITY) {
    const n = Number.isFinite(capacity) ? Math.floor(capacity) : DEFAULT_RING_CAPACITY;
    this.capacity = Math.min(MAX_RING_CAPACITY, Math.max(1, n));
    this.buf = new Array<LogLine | undefined>(this.capacity).fill(undefined);
  }

  /** Lines currently held (≤ capacity). */
  get size(): number {
    return this.count;
  }

  /** Lines pushed since creation or clear(), evicted ones included. */
  get total(): number {
    return this.pushed;
  }

  /** Lines that fell out of the ring because newer ones arrived. */
  get evicted(): number {
    return this.evictedCount;
  }

  /** Lines shed before reaching the ring (the stream's backpressure), reported via recordDropped. */
  get dropped(): number {
    return this.droppedCount;
  }

  push(line: LogLine): void {
    if (this.count < this.capacity) {
      this.buf[(this.head + this.count) % this.capacity] = line;
      this.count++;
    } else {
      this.buf[this.head] = line; // overwrite the oldest
      this.head = (this.head + 1) % this.capacity;
      this.evictedCount++;
    }
    this.pushed++;
  }

  recordDropped(n: number): void {
    if (n > 0) this.droppedCount += n;
  }

  /** Line at logical index i (0 = oldest); negative counts from the newest, like Array.at. */
  at(i: number): LogLine | undefined {
    const idx = i < 0 ? this.count + i : i;
    if (!Number.isInteger(idx) || idx < 0 || idx >= this.count) return undefined;
    return this.buf[(this.head + idx) % this.capacity];
  }

  /** Lines [start, end) in logical order, with Array.prototype.slice index rules. */
  slice(start = 0, end = this.count): LogLine[] {
    const from = clampIndex(start, this.count);
    const to = clampIndex(end, this.count);
    const out: LogLine[] = [];
    for (let i = from; i < to; i++) {
      const line = this.buf[(this.head + i) % this.capacity];
      if (line !== undefined) out.push(line);
    }
    return out;
  }

  /** Empties the ring and resets every counter (a fresh attach). */
  clear(): void {
    this.buf.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.pushed = 0;
    this.evictedCount = 0;
    this.droppedCount = 0;
  }
}

function clampIndex(i: number, len: number): number {
  const n = Number.isFinite(i) ? Math.trunc(i) : i > 0 ? len : 0;
  return n < 0 ? Math.max(0, len + n) : Math.min(n, len);
}
