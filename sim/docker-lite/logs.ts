/**
 * A container's log history (capped, like a rotated json-file log) and its
 * encoding for GET /containers/{id}/logs: stdcopy frames for non-TTY
 * containers, raw bytes for TTY ones.
 */

export type LogStream = 'stdout' | 'stderr';

export interface LogEntry {
  /** Unix time in nanoseconds; strictly increasing within one buffer. */
  ns: bigint;
  stream: LogStream;
  text: string;
}

export class LogBuffer {
  private readonly entries: LogEntry[] = [];
  private readonly listeners = new Set<(e: LogEntry) => void>();
  private lastNs = 0n;
  private readonly cap: number;

  constructor(cap = 10_000) {
    this.cap = cap;
  }

  /** Appends one line per '\n'-separated piece (a trailing newline adds nothing). */
  append(text: string, stream: LogStream): void {
    const lines = text.replace(/\n$/, '').split('\n');
    for (const line of lines) {
      let ns = BigInt(Date.now()) * 1_000_000n;
      if (ns <= this.lastNs) ns = this.lastNs + 1n;
      this.lastNs = ns;
      const entry: LogEntry = { ns, stream, text: line };
      this.entries.push(entry);
      for (const l of this.listeners) l(entry);
    }
    if (this.entries.length > this.cap) this.entries.splice(0, this.entries.length - this.cap);
  }

  select(opts: { stdout: boolean; stderr: boolean; sinceNs?: bigint; untilNs?: bigint; tail?: number }): LogEntry[] {
    let out = this.entries.filter(
      (e) =>
        (e.stream === 'stdout' ? opts.stdout : opts.stderr) &&
        (opts.sinceNs === undefined || e.ns >= opts.sinceNs) &&
        (opts.untilNs === undefined || e.ns <= opts.untilNs),
    );
    if (opts.tail !== undefined) out = opts.tail === 0 ? [] : out.slice(-opts.tail);
    return out;
  }

  subscribe(listener: (e: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.entries.length;
  }
}

/** Docker's RFC3339Nano with a fixed 9-digit fraction. */
export function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}

/** Docker's 8-byte stdcopy header: stream id, 3 zero bytes, big-endian payload length. */
export function stdcopyFrame(stream: LogStream, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt8(stream === 'stdout' ? 1 : 2, 0);
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

export function encodeLogEntry(e: LogEntry, tty: boolean, timestamps: boolean): Buffer {
  const text = `${timestamps ? `${rfc3339Nano(e.ns)} ` : ''}${e.text}${tty ? '\r\n' : '\n'}`;
  const payload = Buffer.from(text, 'utf8');
  return tty ? payload : stdcopyFrame(e.stream, payload);
}

/** Parses Docker's `since`/`until` (unix seconds, maybe fractional, or RFC3339) into nanoseconds. */
export function parseTimeParam(raw: string | null): bigint | undefined | Error {
  if (raw === null || raw === '' || raw === '0') return undefined;
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(raw);
  if (m) return BigInt(m[1] as string) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
  const t = Date.parse(raw);
  if (Number.isFinite(t)) return BigInt(t) * 1_000_000n;
  return new Error(`invalid time value: ${raw}`);
}
