import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statfsSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { Emit } from '../state/events.js';
import type { AuditEntry } from '../state/types.js';
import { escapeJsonControls } from '../text/safe-text.js';
import { redactValue } from './redact.js';

export interface AuditSink {
  append(entry: AuditEntry): void;
}

/** The NATS mirror of the audit log: publishes one record, says whether the server took it. */
export interface AuditMirror {
  /** Where the records go, for the alarm text (e.g. `NATS subject titan.audit.tui`). */
  target: string;
  publish(entry: AuditEntry): Promise<{ ok: true } | { ok: false; detail: string }>;
}

/** How often records that could not be written are tried again. */
export const AUDIT_RETRY_MS = 5000;
/** Records kept in memory while the disk refuses them; beyond this the oldest are dropped (and counted). */
const MAX_PENDING = 1000;
/** Below this much free space, doctor reports the audit log as at risk. */
const LOW_SPACE_BYTES = 16 * 1024;

/** errno code → words an operator acts on. */
function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const words: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOTDIR: 'a path component is not a directory',
    EIO: 'input/output error',
  };
  if (typeof code === 'string') return `${words[code] ?? (e as Error).message} (${code})`;
  return (e as Error)?.message ?? String(e);
}

/**
 * Append-only JSONL audit log, each record whole or not at all:
 * - a record is in the file when `append` returns (one write to the page cache, microseconds); the
 *   fsync that makes it survive a power cut runs off the UI thread right after. A sync on the UI
 *   thread waited for the disk: under a log flood (dockerd writing its json logs to the same disk)
 *   an fsync waits for the journal, and the cockpit would freeze after every action and every
 *   cancelled prompt. `synced()` waits for it (the CLI before it exits, the runtime as it stops);
 *   a failed fsync raises the alarm;
 * - a short write (full disk) is cut back to the record's start, so no torn line is left for the
 *   next record to be glued onto; the record stays in memory and is retried every 5 s;
 * - a torn last line left by someone else (a crash, an older version) is ended and marked before
 *   the next record, so every later line stays parseable;
 * - it never throws: a failing audit must not block or delay an emergency action. Failures raise
 *   the red audit alarm (`audit.error`).
 * Records are redacted before they reach the file or the NATS mirror.
 * One writer at a time is assumed (records are small and written with one write call).
 */
export class AuditLog implements AuditSink {
  private readonly pending: string[] = [];
  private dropped = 0;
  private lastError: string | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly mirroring = new Set<Promise<void>>();
  private mirrorFailing = false;
  /** The fsync in flight, and whether records were written after it started (they need one more). */
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private syncFailing = false;

  constructor(
    readonly path: string,
    private readonly emit: Emit,
    private readonly mirror?: AuditMirror,
    /** The context in use: every record carries it (which deployment an action was for). */
    private readonly context: string | null = null,
  ) {}

  append(entry: AuditEntry): void {
    const clean = redactValue(this.context !== null && entry.context === undefined ? { ...entry, context: this.context } : entry);
    this.emit({ type: 'audit.appended', entry: clean });
    this.pending.push(`${escapeJsonControls(JSON.stringify(clean))}\n`);
    if (this.pending.length > MAX_PENDING) {
      this.pending.shift();
      this.dropped++;
    }
    this.flush();
    if (this.mirror) this.mirrorOne(this.mirror, clean);
  }

  /**
   * The mirror is a copy: the file is the record. A mirror that fails (not connected, permission
   * denied, not confirmed) never blocks the action; it raises the audit alarm, naming the record.
   */
  private mirrorOne(mirror: AuditMirror, entry: AuditEntry): void {
    const done = mirror
      .publish(entry)
      .catch((e: unknown) => ({ ok: false as const, detail: (e as Error)?.message ?? String(e) }))
      .then((r) => {
        if (r.ok) {
          if (this.mirrorFailing) {
            this.mirrorFailing = false;
            this.emit({ type: 'audit.error', error: `audit mirror to ${mirror.target} publishing again`, at: Date.now() });
          }
          return;
        }
        this.mirrorFailing = true;
        this.emit({
          type: 'audit.error',
          error: `audit mirror to ${mirror.target} failed for record ${entry.id} (${entry.action} ${entry.outcome}): ${r.detail} — the record is in ${this.path}`,
          at: Date.now(),
        });
      })
      .finally(() => this.mirroring.delete(done));
    this.mirroring.add(done);
  }

  /** Resolves when every mirror publish started so far has its answer (or after `timeoutMs`). */
  async mirrored(timeoutMs = 3000): Promise<void> {
    if (this.mirroring.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.mirroring]),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /**
   * Resolves when every record written so far has been fsync'd, or after `timeoutMs` (the disk may
   * hang; the records are in the file either way, and a failed fsync has raised the alarm).
   */
  async synced(timeoutMs = 3000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const all = (async () => {
      while (this.syncing) await this.syncing;
    })();
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** One fsync at a time; records written meanwhile get the next one. */
  private scheduleSync(): void {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = this.syncOnce().finally(() => {
      this.syncing = null;
      if (!this.syncAgain) return;
      this.syncAgain = false;
      this.scheduleSync();
    });
  }

  private async syncOnce(): Promise<void> {
    try {
      // fsync is per file, not per descriptor: a second descriptor syncs what the first one wrote.
      // O_NONBLOCK: a FIFO put in the log's place must not hold a thread-pool thread forever.
      const fh = await open(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (this.syncFailing) {
        this.syncFailing = false;
        this.emit({ type: 'audit.error', error: `audit log ${this.path} confirmed on disk again (fsync)`, at: Date.now() });
      }
    } catch (e) {
      this.syncFailing = true;
      this.emit({
        type: 'audit.error',
        error: `audit log ${this.path}: records written but not confirmed on disk (fsync failed: ${why(e)}); they may not survive a power cut`,
        at: Date.now(),
      });
    }
  }

  /** Records not on disk yet (the CLI prints them before it exits, so none is lost silently). */
  get unwritten(): readonly string[] {
    return this.pending;
  }

  /** Writes every pending record in order; stops at the first failure. True when none is left. */
  flush(): boolean {
    if (this.pending.length === 0) return true;
    const wasFailing = this.lastError !== null;
    const delayed = this.pending.length;
    let fd: number | undefined;
    let written = false;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      // a+: appends, and lets us read the last byte to find a torn tail.
      fd = openSync(this.path, 'a+', 0o600);
      const marker = repairTail(fd, this.path);
      written = marker !== null;
      if (marker) this.emit({ type: 'audit.appended', entry: marker });
      while (this.pending.length > 0) {
        writeWhole(fd, this.pending[0] as string);
        written = true;
        this.pending.shift();
      }
    } catch (e) {
      this.fail(e);
      return false;
    } finally {
      if (fd !== undefined) closeSync(fd);
      if (written) this.scheduleSync();
    }
    if (wasFailing) {
      this.lastError = null;
      const lost = this.dropped ? `; ${this.dropped} older records were dropped (memory bound)` : '';
      this.emit({
        type: 'audit.error',
        error: `audit log ${this.path} writable again: ${delayed} delayed record(s) written at ${new Date().toISOString()}${lost}`,
        at: Date.now(),
      });
    }
    this.stopRetry();
    return true;
  }

  /** For doctor: can the next record be written? */
  check(): { ok: boolean; detail: string } {
    if (this.pending.length > 0)
      return { ok: false, detail: `${this.pending.length} record(s) not written: ${this.lastError ?? 'pending'}` };
    const dir = dirname(this.path);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      closeSync(openSync(this.path, 'a', 0o600));
      const fs = statfsSync(dir);
      const free = fs.bavail * fs.bsize;
      if (free < LOW_SPACE_BYTES) return { ok: false, detail: `${this.path}: only ${free} bytes free — the next record may not fit` };
      return { ok: true, detail: `${this.path} writable` };
    } catch (e) {
      return { ok: false, detail: `${this.path} not writable: ${why(e)}` };
    }
  }

  /**
   * Writes what is pending, stops retrying and waits up to `timeoutMs` for the disk to confirm (at
   * shutdown; what is still pending stays in `unwritten`).
   */
  async close(timeoutMs = 1000): Promise<void> {
    this.flush();
    this.stopRetry();
    await this.synced(timeoutMs);
  }

  /** The last `n` records (for the Audit screen at start), after ending a torn last line. Bad lines are skipped. */
  readRecent(n = 200): AuditEntry[] {
    try {
      if (!existsSync(this.path)) return [];
      this.repairAtStart();
      const lines = readFileSync(this.path, 'utf8').split('\n').filter(Boolean).slice(-n);
      const out: AuditEntry[] = [];
      for (const l of lines) {
        try {
          out.push(JSON.parse(l) as AuditEntry);
        } catch {
          /* a torn or foreign line: skip */
        }
      }
      return out;
    } catch {
      return [];
    }
  }

  /** Best effort: when the disk is full, the next append repairs it instead. */
  private repairAtStart(): void {
    let fd: number | undefined;
    try {
      fd = openSync(this.path, 'a+', 0o600);
      repairTail(fd, this.path);
    } catch {
      // reported by the next append if it persists
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private fail(e: unknown): void {
    this.lastError = why(e);
    const lost = this.dropped ? ` (${this.dropped} older ones dropped)` : '';
    this.emit({
      type: 'audit.error',
      error: `audit log ${this.path} not written: ${this.lastError}; ${this.pending.length} record(s) kept in memory${lost}, retried every ${AUDIT_RETRY_MS / 1000} s — free space or set audit.dir`,
      at: Date.now(),
    });
    // unref: a pending retry alone never keeps the process alive.
    this.retryTimer ??= setInterval(() => this.flush(), AUDIT_RETRY_MS).unref();
  }

  private stopRetry(): void {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }
}

/** Ends a last line that has no newline, and says so in a record of its own (returned). */
function repairTail(fd: number, path: string): AuditEntry | null {
  const size = fstatSync(fd).size;
  if (size === 0) return null;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] === 0x0a) return null;
  const marker: AuditEntry = {
    time: new Date().toISOString(),
    id: Math.random().toString(36).slice(2, 8),
    operator: 'titan-tui',
    host: hostname(),
    sshClient: null,
    tty: null,
    profile: '',
    action: 'audit.repair',
    targets: [path],
    confirmation: null,
    outcome: 'FAILED',
    channels: [],
    latencyMs: null,
    error:
      'the previous line was torn (no newline: a full disk or a crash while writing); it was ended here so later records stay readable',
  };
  writeWhole(fd, `\n${JSON.stringify(marker)}\n`);
  return marker;
}

/**
 * One record or nothing: every byte written (writeSync may write fewer than asked); on any failure
 * the file is cut back to where the record began, then the error is thrown. The fsync follows off
 * the UI thread (AuditLog.scheduleSync).
 */
function writeWhole(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  const start = fstatSync(fd).size;
  let done = 0;
  try {
    while (done < buf.length) {
      const n = writeSync(fd, buf, done, buf.length - done);
      if (n <= 0) throw Object.assign(new Error('the disk accepted no bytes'), { code: 'EIO' });
      done += n;
    }
  } catch (e) {
    try {
      ftruncateSync(fd, start);
    } catch {
      // Cut failed too: the tail is torn; the next append ends and marks it (repairTail).
    }
    throw e;
  }
}
