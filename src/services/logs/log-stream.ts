/**
 * Connects one container's log stream (the engine's logs callback) to the ring and the store.
 *
 * onData only splits and sanitizes (O(chunk)) and queues the lines; a single unref'd timer flushes
 * them every `flushMs`: parse, evidence, ring, then ONE logs.batch event. A flood cannot build up
 * memory or timers: past `maxPendingLines` lines are dropped and counted. Dropped lines are still
 * screened for evidence (regex on the raw line), so a halt line in a flood is not lost.
 */
import type { EvidenceLine, LogLine } from '../../state/types.js';
import type { Emit } from '../../state/events.js';
import type { EvidenceMatcher } from './evidence.js';
import type { LogRing } from './ring.js';
import { clockOf, LineLevels, parseLogLine } from './parse.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './sanitize.js';
import { groupDigits } from '../../text/plain-format.js';

type StreamName = 'stdout' | 'stderr';

export interface LogStreamOptions {
  ring: LogRing;
  emit: Emit;
  container: string;
  /** Report matches as `evidence` events (default). The log pane only highlights them: the
   *  evidence watch is the one source of evidence, so a pane never double-reports a line. */
  emitEvidence?: boolean;
  /** Keep only lines that may be evidence (the evidence watch): no parsing or storing of the rest. */
  evidenceOnly?: boolean;
  /** Which engine writes this log; evidence is matched only when set (with a matcher). */
  service?: 'execution' | 'brain';
  matcher?: EvidenceMatcher;
  /** Flush period, default and minimum 50 ms. */
  flushMs?: number;
  /** Lines waiting for a flush beyond this are dropped and counted. Default 20,000. */
  maxPendingLines?: number;
  /** The engine asked Docker for timestamps: each line starts with an RFC3339Nano time and a space. */
  timestamps?: boolean;
  maxLineBytes?: number;
  /**
   * When the stream was asked for (ms, default: when this was made). Lines written before it are
   * the tail or a `since` replay: history, not lag, so they never make the stream "behind live".
   */
  openedAt?: number;
}

export const MIN_FLUSH_MS = 50;
/** A batch this far behind live or more makes the pane say so (LogsPane shows over 1 s). */
const BEHIND_MS = 1000;
/**
 * After a batch that was behind, this long with nothing from Docker means its backlog is read: the
 * stream is live again, and a batch of nothing says so (else the pane said "behind" until the next
 * line, hours on a quiet container). A stalled engine is shown by the connection's own liveness.
 */
export const CAUGHT_UP_QUIET_MS = 1000;
export const DEFAULT_MAX_PENDING_LINES = 20_000;
/** Dropped lines that looked like evidence, kept for the next flush (bounded as well). */
const MAX_OVERFLOW_EVIDENCE = 256;

const DOCKER_TS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) /;

interface PendingLine {
  seq: number;
  stream: StreamName;
  text: string;
}

export class LogStream {
  private readonly opts: LogStreamOptions;
  private readonly flushMs: number;
  private readonly maxPending: number;
  private readonly splitters: Record<StreamName, LineSplitter>;
  private pending: PendingLine[] = [];
  private overflowEvidence: PendingLine[] = [];
  private droppedSinceFlush = 0;
  /** First and last line skipped since the last flush: their own times say how much log was skipped. */
  private skippedSpan: { first: string; last: string } | null = null;
  /** Time span (ms) of whole chunks the intake skipped before splitting them (Docker's times). */
  private skippedMs: { from: number; to: number } | null = null;
  /** Newest Docker time (ms) of a line the intake saw since the last flush, kept or skipped. */
  private newestSeen = Number.NaN;
  /** Where in the pending lines the first skip since the last flush happened: its marker goes there. */
  private skipAt: number | null = null;
  private seq = 0;
  /** Continuation lines and stderr lines get their level from context (parse.ts). */
  private readonly levels = new LineLevels();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Lines that looked like evidence but were dropped (the overflow buffer was full too). */
  private evidenceLost = 0;
  private readonly openedAt: number;
  /** When Docker last delivered bytes on this stream (the intake says so per chunk; onData too). */
  private lastInputAt = 0;
  private caughtUpTimer: NodeJS.Timeout | NodeJS.Immediate | null = null;

  constructor(opts: LogStreamOptions) {
    this.opts = opts;
    this.openedAt = finiteOr(opts.openedAt, Date.now());
    this.flushMs = Math.max(MIN_FLUSH_MS, finiteOr(opts.flushMs, MIN_FLUSH_MS));
    this.maxPending = Math.max(1, Math.floor(finiteOr(opts.maxPendingLines, DEFAULT_MAX_PENDING_LINES)));
    const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.splitters = { stdout: new LineSplitter(max), stderr: new LineSplitter(max) };
  }

  /** Lines waiting for the next flush. */
  get pendingCount(): number {
    return this.pending.length;
  }

  onData(stream: StreamName, chunk: Uint8Array): void {
    if (this.closed) return;
    this.lastInputAt = Date.now();
    const splitter = this.splitters[stream];
    if (splitter === undefined) return; // the engine only knows two streams; ignore anything else
    this.accept(stream, splitter.push(chunk));
  }

  /** The engine's stream ended: deliver the unterminated last lines, flush, report an error if any. */
  onEnd(error?: string): void {
    if (this.closed) return;
    this.accept('stdout', this.splitters.stdout.flush());
    this.accept('stderr', this.splitters.stderr.flush());
    this.flush();
    this.close();
    if (error !== undefined && error.length > 0) {
      this.opts.emit({ type: 'logs.error', container: this.opts.container, error, at: Date.now() });
    }
  }

  /** Detach: flush what is queued (evidence must not be lost), then ignore everything. */
  stop(): void {
    if (this.closed) return;
    this.flush();
    this.close();
  }

  /**
   * The intake skipped `lines` lines (approximately: frames) whole, before any per-line work, to stay
   * live; `fromMs`/`toMs` are Docker's times of the first and last of them (NaN when unknown).
   */
  skipped(lines: number, fromMs: number, toMs: number): void {
    if (this.closed || lines <= 0) return;
    this.skipAt ??= this.pending.length;
    this.droppedSinceFlush += lines;
    if (Number.isFinite(fromMs) && Number.isFinite(toMs)) {
      if (this.skippedMs) this.skippedMs.to = Math.max(this.skippedMs.to, toMs);
      else this.skippedMs = { from: fromMs, to: toMs };
    }
    this.seen(toMs);
    this.schedule();
  }

  /** The engine delivered bytes (kept or not): the stream is not quiet. Called by the intake per chunk. */
  arrived(at = Date.now()): void {
    this.lastInputAt = at;
  }

  /** The intake saw a line of Docker time `ms` (kept or skipped): how far behind live the stream is. */
  seen(ms: number): void {
    if (Number.isFinite(ms) && !(ms <= this.newestSeen)) this.newestSeen = ms;
  }

  /** Lines that may have held evidence and could not be checked (the evidence watch says so). */
  lost(n: number): void {
    if (this.closed || n <= 0) return;
    this.evidenceLost += n;
    this.schedule();
  }

  /** Moves queued lines into the ring and reports them. Runs on the timer; public for onEnd/stop/tests. */
  flush(): void {
    this.clearTimer();
    if (this.pending.length === 0 && this.overflowEvidence.length === 0 && this.droppedSinceFlush === 0 && this.evidenceLost === 0) return;
    const batch = this.pending;
    const overflow = this.overflowEvidence;
    let dropped = this.droppedSinceFlush;
    this.pending = [];
    this.overflowEvidence = [];
    this.droppedSinceFlush = 0;

    const at = Date.now();
    const evidence: EvidenceLine[] = [];
    const { ring } = this.opts;
    const skipAt = this.skipAt ?? batch.length;
    this.skipAt = null;
    const lines = batch.map((p) => this.toLogLine(p, at, evidence));
    for (let i = 0; i < skipAt && i < lines.length; i++) ring.push(lines[i] as LogLine);
    let added = batch.length;
    const rescued: LogLine[] = [];
    for (const p of overflow) {
      const line = this.toLogLine(p, at, evidence);
      if (line.evidence === undefined)
        dropped++; // the raw-line screen matched, the parsed message did not
      else rescued.push(line);
    }
    ring.recordDropped(dropped);
    const span = this.skippedSpan;
    const spanMs = this.skippedMs;
    this.skippedSpan = null;
    this.skippedMs = null;
    // The marker stands where the skip began; evidence lines rescued from inside the skip follow it,
    // then the lines kept after it (the newest, shown while catching up).
    if (dropped > 0 && this.opts.evidenceOnly !== true) ring.push(this.skipMarker(dropped, span, spanMs));
    for (const line of rescued) ring.push(line);
    for (let i = skipAt; i < lines.length; i++) ring.push(lines[i] as LogLine);
    added += rescued.length;
    if (this.opts.emitEvidence !== false) for (const line of evidence) this.opts.emit({ type: 'evidence', line });
    if (this.evidenceLost > 0 && this.opts.service !== undefined && this.opts.emitEvidence !== false) {
      this.opts.emit({ type: 'evidence.gap', service: this.opts.service, lost: this.evidenceLost, at });
      this.evidenceLost = 0;
    }
    if (added > 0 || dropped > 0) {
      const behindMs = this.behind(batch, at, this.newestSeen);
      this.newestSeen = Number.NaN;
      this.opts.emit({
        type: 'logs.batch',
        container: this.opts.container,
        added,
        dropped,
        at,
        ...(behindMs === undefined ? {} : { behindMs }),
      });
      if (behindMs !== undefined && behindMs >= BEHIND_MS) this.watchCatchUp();
    }
  }

  /** Behind: once nothing has come from Docker for CAUGHT_UP_QUIET_MS, report 0 behind. */
  private watchCatchUp(): void {
    if (this.caughtUpTimer !== null || this.closed) return;
    const arm = (ms: number) => {
      this.caughtUpTimer = setTimeout(() => {
        // Decided after this turn's reads: a timer that fires late (a busy thread) runs before the
        // socket reads that waited with it, and those would prove the stream is not quiet.
        this.caughtUpTimer = setImmediate(decide);
      }, ms);
      this.caughtUpTimer.unref();
    };
    const decide = () => {
      this.caughtUpTimer = null;
      if (this.closed) return;
      const quietFor = Date.now() - this.lastInputAt;
      if (quietFor < CAUGHT_UP_QUIET_MS || this.pending.length > 0 || this.timer !== null) {
        arm(Math.max(MIN_FLUSH_MS, CAUGHT_UP_QUIET_MS - quietFor));
        return;
      }
      this.opts.emit({ type: 'logs.batch', container: this.opts.container, added: 0, dropped: 0, at: Date.now(), behindMs: 0 });
    };
    arm(CAUGHT_UP_QUIET_MS);
  }

  /**
   * How far the stream is behind now: the newest line of the batch by its own time (or Docker's), or
   * the newest line the intake saw (skipped ones included), whichever is newer. Unknown (undefined)
   * when no line has a time, or when the newest was written before the stream was opened: replayed
   * history arrives "late" by definition, and a quiet container's tail is not a lagging pane.
   */
  private behind(batch: PendingLine[], at: number, seen: number): number | undefined {
    const last = batch.at(-1);
    const written = last ? Date.parse(this.timeOf(last.text) ?? '') : Number.NaN;
    const newest = Number.isFinite(written) ? (Number.isFinite(seen) ? Math.max(written, seen) : written) : seen;
    return Number.isFinite(newest) && newest >= this.openedAt ? Math.max(0, at - newest) : undefined;
  }

  private timeOf(text: string): string | undefined {
    const m = this.opts.timestamps ? DOCKER_TS.exec(text) : null;
    return parseLogLine(m ? text.slice(m[0].length) : text).time ?? m?.[1];
  }

  /** A visible line where lines were skipped to stay live: how many, and how much log by their own times. */
  private skipMarker(dropped: number, span: { first: string; last: string } | null, spanMs: { from: number; to: number } | null): LogLine {
    let from = span ? Date.parse(this.timeOf(span.first) ?? '') : Number.NaN;
    let to = span ? Date.parse(this.timeOf(span.last) ?? '') : Number.NaN;
    if (spanMs) {
      from = Number.isFinite(from) ? Math.min(from, spanMs.from) : spanMs.from;
      to = Number.isFinite(to) ? Math.max(to, spanMs.to) : spanMs.to;
    }
    const seconds = Number.isFinite(from) && Number.isFinite(to) && to >= from ? `, ${((to - from) / 1000).toFixed(1)} s` : '';
    return {
      seq: this.seq++,
      stream: 'stdout',
      level: 'WARN',
      text: `⏭ skipped ${groupDigits(dropped)} lines${seconds} to stay live`,
    };
  }

  private accept(stream: StreamName, lines: string[]): void {
    if (lines.length === 0) return;
    const { matcher, service } = this.opts;
    let urgent = false;
    const only = this.opts.evidenceOnly === true && matcher !== undefined && service !== undefined;
    for (const text of lines) {
      if (only && !matcher.screen(service, text)) continue;
      const line: PendingLine = { seq: this.seq++, stream, text };
      if (this.pending.length < this.maxPending) {
        this.pending.push(line);
        // Evidence is what an action waits for: deliver it now, not at the next batch.
        if (matcher !== undefined && service !== undefined && matcher.screen(service, text)) urgent = true;
      } else if (
        matcher !== undefined &&
        service !== undefined &&
        this.overflowEvidence.length < MAX_OVERFLOW_EVIDENCE &&
        matcher.match(service, text) !== null
      ) {
        this.overflowEvidence.push(line);
      } else {
        this.skipAt ??= this.pending.length;
        this.droppedSinceFlush++;
        if (this.skippedSpan) this.skippedSpan.last = text;
        else this.skippedSpan = { first: text, last: text };
        if (matcher !== undefined && service !== undefined && matcher.screen(service, text)) this.evidenceLost++;
      }
    }
    if (urgent) this.flush();
    else this.schedule();
  }

  private toLogLine(p: PendingLine, at: number, evidence: EvidenceLine[]): LogLine {
    let text = p.text;
    let ts: string | undefined;
    if (this.opts.timestamps) {
      const m = DOCKER_TS.exec(text);
      if (m) {
        ts = m[1];
        text = text.slice(m[0].length);
      }
    }
    const parsed = parseLogLine(text);
    // A line without its own time shows Docker's, so every line of the pane carries one.
    let display = parsed.display;
    if (parsed.time === undefined && ts !== undefined) {
      const clock = clockOf(ts);
      if (clock !== undefined) display = `${clock} ${display}`;
    }
    const line: LogLine = { seq: p.seq, stream: p.stream, level: this.levels.level(p.stream, parsed), text: display };
    if (ts !== undefined) line.ts = ts;
    const { matcher, service } = this.opts;
    if (matcher !== undefined && service !== undefined) {
      const pattern = matcher.match(service, parsed.message);
      if (pattern !== null) {
        line.evidence = pattern.kind;
        const ev: EvidenceLine = { service, kind: pattern.kind, patternId: pattern.id, text: parsed.message, at };
        const lineTime = parsed.time ?? ts;
        if (lineTime !== undefined) ev.lineTime = lineTime;
        const written = parsed.time === undefined ? Number.NaN : Date.parse(parsed.time);
        if (Number.isFinite(written)) ev.writtenAt = written;
        evidence.push(ev);
      }
    }
    return line;
  }

  private schedule(): void {
    if (this.timer !== null || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.flushMs);
    this.timer.unref(); // a log pane must never keep the process alive
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private close(): void {
    this.closed = true;
    this.clearTimer();
    if (this.caughtUpTimer !== null) {
      clearTimeout(this.caughtUpTimer as NodeJS.Timeout);
      clearImmediate(this.caughtUpTimer as NodeJS.Immediate);
    }
    this.caughtUpTimer = null;
    this.pending = [];
    this.overflowEvidence = [];
  }
}

function finiteOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}
