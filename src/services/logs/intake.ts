/**
 * The first step of a Docker log stream in the log worker: raw HTTP body bytes in, whole lines out to
 * the LogStream, and under a flood the decision to skip BEFORE any per-line work.
 *
 * Units: a non-TTY container's log is a sequence of frames (8-byte header [stream, 0, 0, 0, size BE]
 * then `size` bytes); Docker writes one log message per frame (long ones split at 16 KiB), so a frame
 * is a line for counting. A TTY container's log is plain bytes: units are LF-terminated lines.
 *
 * Per unit, only a header read (frames) or an LF search (TTY); then:
 *  - pane: a unit is kept (handed to the LogStream: decode, sanitize, parse) while the line budget
 *    allows (a token bucket: `linesPerSec`, bursts of `burst`); past it units are skipped whole and
 *    only counted, with Docker's time of the first and last skipped (the skip marker says how many
 *    lines and how many seconds). A skipped unit holding an evidence literal is kept all the same.
 *  - evidence: every chunk is searched for the contract patterns' literals (native byte search, see
 *    literals.ts); only units with a hit are decoded and matched. Nothing is skipped, so the evidence
 *    watch sees every line Docker delivers. When a pattern has no literal, units go through the budget
 *    like the pane's and the ones skipped are reported lost (evidence.gap).
 */
import type { RawScreen } from './literals.js';
import type { LogStream } from './log-stream.js';

type StreamName = 'stdout' | 'stderr';

export interface IntakeOptions {
  /** The container has a TTY: raw bytes, no frames. */
  tty: boolean;
  stream: LogStream;
  mode: 'pane' | 'evidence';
  /** Literals of the service's evidence patterns; null when the stream's lines are never evidence. */
  screen: RawScreen | null;
  /** Each line starts with Docker's RFC3339Nano time and a space (the engine asked for timestamps). */
  timestamps: boolean;
  /** Lines per second decoded at most, sustained (default 30,000). */
  linesPerSec?: number;
  /** Lines decoded at most in one go after a quiet spell (default 5,000). */
  burst?: number;
  /** Units longer than this are not assembled across chunks for screening (default 64 KiB). */
  maxUnitBytes?: number;
  /**
   * Pane with timestamps: when the stream is this far behind live (by Docker's times), chunks are
   * skipped but for their newest lines until it catches up (default 1,000 ms; 0 turns it off). Lines older than `openedAt` (history asked for)
   * never count as behind.
   */
  behindLimitMs?: number;
  /** Wall-clock ms when the stream was opened (default: now). */
  openedAt?: number;
  /**
   * Evidence mode: a unit with a literal goes on only if this accepts it (the evidence watch's own
   * filter: written after it started following, not seen before when streams are handed over).
   */
  accept?: (unit: Buffer) => boolean;
  /**
   * Pane mode: every whole unit holding an evidence literal, kept or skipped (the evidence watch reads
   * the pane's stream instead of a second one when both follow the same container).
   */
  onHit?: (kind: StreamName, unit: Buffer) => void;
  now?: () => number;
  wallClock?: () => number;
}

export const DEFAULT_LINES_PER_SEC = 30_000;
export const DEFAULT_BURST = 5_000;
const HEADER = 8;
/** Hits decoded per chunk at most: a flood of lines that all look like evidence stays bounded. */
const MAX_HITS_PER_CHUNK = 64;
/** Catching up, the newest frames of a chunk still shown: enough to fill the pane... */
const CATCH_UP_TAIL = 60;
/** ...about four times a second, whatever the size of the chunks. */
const CATCH_UP_TAIL_PER_SEC = 240;

/** Docker's `2026-02-16T10:00:00.123456789Z ` prefix → ms, NaN when there is none. */
export function dockerTime(buf: Buffer, at: number, end: number): number {
  const stop = Math.min(end, at + 40);
  const sp = buf.indexOf(0x20, at);
  if (sp === -1 || sp >= stop || sp - at < 20) return Number.NaN;
  return Date.parse(buf.toString('latin1', at, sp));
}

/** Offsets of evidence literals in one chunk, computed at most once, read in ascending unit order. */
class ChunkHits {
  private readonly screen: RawScreen;
  private readonly chunk: Buffer;
  private list: number[] | null = null;
  private i = 0;

  constructor(screen: RawScreen, chunk: Buffer) {
    this.screen = screen;
    this.chunk = chunk;
  }

  /** Is there a literal starting in [a, b)? Units must be asked in ascending order. */
  within(a: number, b: number): boolean {
    this.list ??= this.screen.hits(this.chunk);
    const list = this.list;
    while (this.i < list.length && (list[this.i] as number) < a) this.i++;
    return this.i < list.length && (list[this.i] as number) < b;
  }
}

export class Intake {
  private readonly o: IntakeOptions;
  private readonly rate: number;
  private readonly burst: number;
  private readonly maxUnit: number;
  private readonly now: () => number;
  /** Literals usable on raw bytes (null: the lines are never evidence, or a pattern has none). */
  private readonly screen: RawScreen | null;
  private tokens: number;
  private refilledAt: number;
  // Frame state (non-TTY).
  private readonly header = Buffer.alloc(HEADER);
  private headerFill = 0;
  /** Payload bytes still to come for the current frame, its stream and whether it is kept. */
  private remaining = 0;
  private kind: StreamName = 'stdout';
  private keepFrame = false;
  /** A unit that began in an earlier chunk, assembled (copies) to be screened whole; null: not assembling. */
  private assembling: Buffer[] | null = null;
  private assembled = 0;
  private misaligned = false;
  /** TTY: the last chunk ended inside a line, and whether that line is being kept. */
  private ttyOpen = false;
  private ttyKeeping = true;
  // Skip accounting for the current chunk.
  private skippedLines = 0;
  private skipFrom = Number.NaN;
  private lastSkipped: { buf: Buffer; a: number; b: number } | null = null;
  private hitsThisChunk = 0;
  private closed = false;
  // Staying live (pane with timestamps): the last unit seen in this chunk, the lag at the last chunk.
  private lastBuf: Buffer | null = null;
  private lastA = 0;
  private lastB = 0;
  private readonly behindLimit: number;
  private readonly openedAt: number;
  private readonly wall: () => number;
  private live = false;
  private minLag = Number.POSITIVE_INFINITY;
  private catchingUp = false;
  private newestTs = Number.NaN;
  /** Catching up: the newest whole frames of the chunk, shown although their older neighbours are not. */
  private readonly tail: Array<{ kind: StreamName; a: number; b: number }> = [];
  /** Lines shown while catching up: a few windows' worth a second, however small the chunks. */
  private tailTokens = CATCH_UP_TAIL;

  constructor(opts: IntakeOptions) {
    this.o = opts;
    this.rate = Math.max(1, opts.linesPerSec ?? DEFAULT_LINES_PER_SEC);
    this.burst = Math.max(1, opts.burst ?? DEFAULT_BURST);
    this.maxUnit = opts.maxUnitBytes ?? 64 * 1024;
    this.now = opts.now ?? (() => performance.now());
    this.screen = opts.screen?.screenable ? opts.screen : null;
    this.wall = opts.wallClock ?? Date.now;
    this.openedAt = opts.openedAt ?? this.wall();
    this.behindLimit = opts.mode === 'pane' && opts.timestamps ? (opts.behindLimitMs ?? 1000) : 0;
    this.tokens = this.burst;
    this.refilledAt = this.now();
  }

  push(chunk: Buffer): void {
    if (this.closed || chunk.length === 0) return;
    this.o.stream.arrived();
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.refilledAt) * this.rate) / 1000);
    this.tailTokens = Math.min(CATCH_UP_TAIL, this.tailTokens + ((t - this.refilledAt) * CATCH_UP_TAIL_PER_SEC) / 1000);
    this.refilledAt = t;
    this.hitsThisChunk = 0;
    const hits = this.screen ? new ChunkHits(this.screen, chunk) : null;
    const received = this.behindLimit > 0 ? this.wall() : 0;
    if (this.o.tty || this.misaligned) this.pushRaw(chunk, 0, hits);
    else this.pushFrames(chunk, hits);
    // Catching up: the skip is reported first, so its marker stands before the newest lines shown.
    const tail = this.tail.length > 0 ? this.takeTail(chunk) : null;
    this.report();
    if (tail) for (const f of tail) this.o.stream.onData(f.kind, chunk.subarray(f.a, f.b));
    if (this.behindLimit > 0) this.measureLag(received);
    else if (this.o.timestamps && this.lastBuf) {
      const ts = dockerTime(this.lastBuf, this.lastA, this.lastB);
      if (Number.isFinite(ts)) this.newestTs = ts;
      this.lastBuf = null;
    }
  }

  /** Docker's time of the newest whole line seen so far (NaN before one, or without timestamps). */
  get newest(): number {
    return this.newestTs;
  }

  /** Hands a unit to the LogStream (evidence: if the accept filter lets it through). */
  private deliver(kind: StreamName, unit: Buffer): void {
    if (this.o.accept && !this.o.accept(unit)) return;
    this.o.stream.onData(kind, unit);
  }

  /** Catching up: the chunk's newest frames go to the pane after all (counted as shown, not skipped). */
  private takeTail(chunk: Buffer): Array<{ kind: StreamName; a: number; b: number }> {
    const tail = this.tail.splice(0);
    this.tailTokens -= tail.length;
    this.skippedLines -= tail.length;
    const first = tail[0];
    this.lastSkipped = null;
    if (first && this.skippedLines > 0) this.lastSkipped = { buf: chunk, a: Math.max(0, first.a - 1), b: first.a };
    return tail;
  }

  /**
   * After a chunk: how far behind live its newest line was when it arrived. Past the limit, the next
   * chunks are skipped whole (evidence lines excepted) until one arrives within it: a stream Docker
   * delivers slower than the container writes is shown from its newest lines, never minutes late.
   */
  private measureLag(received: number): void {
    const buf = this.lastBuf;
    this.lastBuf = null;
    if (!buf) return;
    const ts = dockerTime(buf, this.lastA, this.lastB);
    if (!Number.isFinite(ts)) return;
    this.newestTs = ts;
    this.o.stream.seen(ts);
    if (!this.live) {
      if (ts < this.openedAt - 1000) return; // still the history asked for
      this.live = true;
    }
    // A remote engine's clock may be ahead of ours (negative lags): measured from the smallest one
    // then. One behind ours only makes the intake skip more than it needs to; the newest lines of
    // each chunk are shown whatever (CATCH_UP_TAIL).
    const lag = received - ts;
    if (lag < this.minLag) this.minLag = lag;
    this.catchingUp = lag - Math.min(0, this.minLag) > this.behindLimit;
  }

  /** End of the stream: a unit still being assembled is screened; the LogStream's own end does the rest. */
  end(): void {
    if (this.closed) return;
    this.finishAssembly();
    this.report();
    this.closed = true;
  }

  /** True when the stream stopped inside a frame (its header or its payload): it was cut. */
  get cut(): boolean {
    return this.headerFill > 0 || this.remaining > 0;
  }

  /**
   * Keep or skip one whole unit. Evidence mode with literals: only units holding one are decoded.
   * Otherwise within the line budget; past it a unit holding a literal is still decoded (rescued).
   */
  private decide(hit: boolean): boolean {
    if (this.catchingUp) return hit && this.hitsThisChunk++ < MAX_HITS_PER_CHUNK;
    if (this.o.mode === 'evidence') {
      if (this.screen) return hit && this.hitWithinCap();
      if (this.o.screen === null) return false; // never evidence: nothing to look at
    }
    if (this.tokens >= 1) {
      this.tokens--;
      return true;
    }
    if (hit && this.hitsThisChunk++ < MAX_HITS_PER_CHUNK) return true;
    // Evidence without literals: a line not decoded is a line not checked.
    if (this.o.mode === 'evidence') this.o.stream.lost(1);
    return false;
  }

  /**
   * Evidence mode: a line holding a literal is decoded unless the chunk already had its bound of
   * them; one past the bound is a line not checked, reported lost like any other (the action's
   * report then says it cannot have seen every line), never dropped silently.
   */
  private hitWithinCap(): boolean {
    if (this.hitsThisChunk++ < MAX_HITS_PER_CHUNK) return true;
    this.o.stream.lost(1);
    return false;
  }

  private skip(buf: Buffer, a: number, b: number): void {
    if (this.o.mode !== 'pane') return;
    if (this.o.timestamps && this.skippedLines === 0) this.skipFrom = dockerTime(buf, a, b);
    this.skippedLines++;
    this.lastSkipped = { buf, a, b };
  }

  /** Hands this chunk's skip count to the LogStream (which shows one marker per flush). */
  private report(): void {
    if (this.skippedLines === 0) return;
    const last = this.lastSkipped;
    const to = this.o.timestamps && last ? dockerTime(last.buf, last.a, last.b) : Number.NaN;
    this.o.stream.skipped(this.skippedLines, this.skipFrom, to);
    this.lastSkipped = null;
    this.skippedLines = 0;
    this.skipFrom = Number.NaN;
  }

  // ---- frames -------------------------------------------------------------------------------

  private pushFrames(chunk: Buffer, hits: ChunkHits | null): void {
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      if (this.remaining > 0) {
        // The rest (or a piece) of a frame that began in an earlier chunk.
        const n = Math.min(this.remaining, len - pos);
        this.continueFrame(chunk, pos, pos + n);
        this.remaining -= n;
        pos += n;
        if (this.remaining === 0) this.finishAssembly();
        continue;
      }
      let kind: number;
      let size: number;
      const headerAt = pos;
      if (this.headerFill === 0 && pos + HEADER <= len) {
        kind = chunk[pos] as number;
        size = chunk.readUInt32BE(pos + 4);
        pos += HEADER;
      } else {
        const n = Math.min(HEADER - this.headerFill, len - pos);
        chunk.copy(this.header, this.headerFill, pos, pos + n);
        this.headerFill += n;
        pos += n;
        if (this.headerFill < HEADER) return;
        this.headerFill = 0;
        kind = this.header[0] as number;
        size = this.header.readUInt32BE(4);
      }
      if (kind !== 0 && kind !== 1 && kind !== 2) {
        // Not a multiplexed stream after all (a TTY we did not know about): never drop bytes.
        this.misaligned = true;
        const raw = headerAt + HEADER === pos ? chunk.subarray(headerAt) : Buffer.concat([this.header, chunk.subarray(pos)]);
        this.pushRaw(raw, 0, this.screen ? new ChunkHits(this.screen, raw) : null);
        return;
      }
      if (size === 0) continue;
      this.kind = kind === 2 ? 'stderr' : 'stdout';
      const end = pos + size;
      if (end <= len) {
        // The whole frame is in this chunk (the common case): one decision, no copy.
        const hit = hits?.within(pos, end) ?? false;
        if (hit && this.o.onHit) this.o.onHit(this.kind, chunk.subarray(pos, end));
        if (this.decide(hit)) this.deliver(this.kind, chunk.subarray(pos, end));
        else {
          this.skip(chunk, pos, end);
          if (this.catchingUp && this.o.mode === 'pane' && this.tailTokens >= 1) {
            if (this.tail.length >= Math.min(CATCH_UP_TAIL, this.tailTokens)) this.tail.shift();
            this.tail.push({ kind: this.kind, a: pos, b: end });
          }
        }
        this.lastBuf = chunk;
        this.lastA = pos;
        this.lastB = end;
        pos = end;
        continue;
      }
      // The frame continues in the next chunk(s).
      this.remaining = size - (len - pos);
      this.beginSplit(chunk, pos, len, size, hits);
      pos = len;
    }
  }

  private beginSplit(chunk: Buffer, a: number, b: number, size: number, hits: ChunkHits | null): void {
    this.assembling = null;
    this.assembled = 0;
    if (this.o.mode === 'evidence' && this.screen) {
      // Screen it whole once complete (a literal may straddle the cut); longer ones are not evidence.
      this.keepFrame = false;
      if (size <= this.maxUnit) {
        this.assembling = [Buffer.from(chunk.subarray(a, b))];
        this.assembled = b - a;
      }
      return;
    }
    // Decided at its start, like a whole unit; assembled as well when someone waits for its hits.
    if (this.o.onHit && size <= this.maxUnit) {
      this.assembling = [Buffer.from(chunk.subarray(a, b))];
      this.assembled = b - a;
    }
    this.keepFrame = this.decide(hits?.within(a, b) ?? false);
    if (this.keepFrame) this.o.stream.onData(this.kind, chunk.subarray(a, b));
    else this.skip(chunk, a, b);
  }

  private continueFrame(chunk: Buffer, a: number, b: number): void {
    if (this.assembling) {
      if (this.assembled + (b - a) <= this.maxUnit) {
        this.assembling.push(Buffer.from(chunk.subarray(a, b)));
        this.assembled += b - a;
      } else {
        this.assembling = null;
      }
      if (this.o.mode === 'evidence') return;
    }
    if (this.keepFrame) this.o.stream.onData(this.kind, chunk.subarray(a, b));
  }

  private finishAssembly(): void {
    const parts = this.assembling;
    this.assembling = null;
    if (!parts || !this.screen) return;
    const whole = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    if (this.screen.hits(whole).length === 0) return;
    if (this.o.mode === 'evidence') this.deliver(this.kind, whole);
    else this.o.onHit?.(this.kind, whole);
  }

  // ---- TTY: raw bytes, LF-terminated lines ----------------------------------------------------

  private pushRaw(chunk: Buffer, from: number, hits: ChunkHits | null): void {
    this.kind = 'stdout';
    const len = chunk.length;
    let pos = from;
    if (this.ttyOpen) {
      // The rest of the line in progress goes the way its start went.
      const nl = chunk.indexOf(0x0a, pos);
      const end = nl === -1 ? len : nl + 1;
      if (this.assembling) this.continueFrame(chunk, pos, end);
      else if (this.ttyKeeping) this.o.stream.onData('stdout', chunk.subarray(pos, end));
      if (nl === -1) return;
      this.ttyOpen = false;
      this.finishAssembly();
      pos = end;
    }
    // Consecutive kept lines go to the LogStream in one piece.
    let keptFrom = pos;
    while (pos < len) {
      const nl = chunk.indexOf(0x0a, pos);
      const end = nl === -1 ? len : nl + 1;
      if (nl === -1 && this.o.mode === 'evidence' && this.screen) {
        // The last line is not complete: assemble it to screen it whole.
        if (pos > keptFrom) this.deliver('stdout', chunk.subarray(keptFrom, pos));
        keptFrom = len;
        this.assembling = [Buffer.from(chunk.subarray(pos, end))];
        this.assembled = end - pos;
        this.ttyOpen = true;
        break;
      }
      const hit = hits?.within(pos, end) ?? false;
      if (hit && nl !== -1 && this.o.onHit) this.o.onHit('stdout', chunk.subarray(pos, end));
      const keep = this.decide(hit);
      if (nl !== -1) {
        this.lastBuf = chunk;
        this.lastA = pos;
        this.lastB = end;
      }
      if (!keep) {
        if (pos > keptFrom) this.deliver('stdout', chunk.subarray(keptFrom, pos));
        this.skip(chunk, pos, end);
        keptFrom = end;
      }
      if (nl === -1) {
        this.ttyOpen = true;
        this.ttyKeeping = keep;
      }
      pos = end;
    }
    if (len > keptFrom) this.deliver('stdout', chunk.subarray(keptFrom, len));
  }
}
