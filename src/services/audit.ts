import { mkdirSync, openSync, closeSync, writeSync, fsyncSync, readFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Emit } from '../state/events.js';
import type { AuditEntry } from '../state/types.js';

export interface AuditSink {
  append(entry: AuditEntry): void;
}

/**
 * Append-only JSONL audit log, fsync'd per record. It never throws: a failing disk must not block
 * an emergency action, so failures become an `audit.error` event (a red alarm on screen).
 */
export class AuditLog implements AuditSink {
  constructor(
    readonly path: string,
    private readonly emit: Emit,
    private readonly mirror?: (entry: AuditEntry) => void,
  ) {}

  append(entry: AuditEntry): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      const fd = openSync(this.path, 'a', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(entry)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.emit({ type: 'audit.appended', entry });
    } catch (e) {
      this.emit({ type: 'audit.error', error: `audit log ${this.path} not written: ${(e as Error).message}`, at: Date.now() });
      this.emit({ type: 'audit.appended', entry });
    }
    try {
      this.mirror?.(entry);
    } catch {
      // The NATS mirror is best effort; the file is the record.
    }
  }

  /** The last `n` records (for the Audit screen at start). Bad lines are skipped. */
  readRecent(n = 200): AuditEntry[] {
    try {
      if (!existsSync(this.path)) return [];
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
}
