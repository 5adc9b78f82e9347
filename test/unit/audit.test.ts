/** The audit log on a real full disk (a 64 KiB tmpfs) and with a torn last line. */
import { execFileSync } from 'node:child_process';
import { closeSync, fstatSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_RETRY_MS, AuditLog } from '../../src/services/audit.js';
import type { CockpitEvent } from '../../src/state/events.js';
import type { AuditEntry } from '../../src/state/types.js';
import { waitFor } from '../helpers/ports.js';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';

const entry = (id: string, error: string | null = null): AuditEntry => ({
  time: '2026-01-01T00:00:00.000Z',
  id,
  operator: 'tester',
  host: 'h',
  sshClient: null,
  tty: null,
  profile: 'titan',
  action: 'stop-all',
  targets: ['titan-execution'],
  confirmation: 'HALT',
  outcome: 'VERIFIED',
  channels: [],
  latencyMs: 12,
  error,
});

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);
const parsesEveryLine = (path: string) => {
  const text = readFileSync(path, 'utf8');
  expect(text.endsWith('\n'), 'the file ends with a whole record').toBe(true);
  return lines(path).map((l) => JSON.parse(l) as AuditEntry);
};

describe('the audit log', () => {
  let fs: Tmpfs;
  beforeAll(() => {
    fs = mountTmpfs(64);
  });
  afterAll(() => {
    fs?.unmount();
  });

  it('on a full disk: the record is not torn, the alarm goes up, and the retry writes it once there is space', async () => {
    const events: CockpitEvent[] = [];
    mkdirSync(join(fs.dir, 'state'));
    const path = join(fs.dir, 'state', 'audit.jsonl');
    const log = new AuditLog(path, (e) => events.push(e));
    log.append(entry('first'));
    // Pad the file so that its last page has 40 bytes left: the next record will only partly fit.
    const size = fstatSync(openSync(path, 'r')).size;
    const base = `${JSON.stringify(entry('pad', ''))}\n`.length;
    const want = 4096 - (size % 4096) - 40;
    log.append(entry('pad', 'x'.repeat(want - base + (want - base < 0 ? 4096 : 0))));
    expect(fstatSync(openSync(path, 'r')).size % 4096).toBe(4096 - 40);
    fs.fill();

    // Precondition, shown on a scratch copy of the situation: the disk takes a part of a record, not all of it.
    const fd = openSync(path, 'a');
    const before = fstatSync(fd).size;
    expect(writeSync(fd, Buffer.alloc(300, 0x41))).toBe(40);
    ftruncateSync(fd, before);
    closeSync(fd);
    const intact = readFileSync(path, 'utf8');

    log.append(entry('on-full-disk'));
    expect(readFileSync(path, 'utf8')).toBe(intact);
    expect(parsesEveryLine(path).map((e) => e.id)).toEqual(['first', 'pad']);
    const alarm = events.filter((e) => e.type === 'audit.error').at(-1);
    expect(alarm).toMatchObject({
      type: 'audit.error',
      error: expect.stringMatching(/not written: no space left on the device \(ENOSPC\); 1 record\(s\) kept/),
    });
    expect(log.unwritten).toHaveLength(1);
    expect(log.check()).toMatchObject({ ok: false, detail: expect.stringMatching(/1 record\(s\) not written/) });
    // The screen still shows it (kept in memory).
    expect(events.some((e) => e.type === 'audit.appended' && e.entry.id === 'on-full-disk')).toBe(true);

    fs.free();
    await waitFor(() => lines(path).length === 3, AUDIT_RETRY_MS + 3000);
    expect(parsesEveryLine(path).map((e) => e.id)).toEqual(['first', 'pad', 'on-full-disk']);
    expect(log.unwritten).toHaveLength(0);
    expect(events.filter((e) => e.type === 'audit.error').at(-1)).toMatchObject({
      error: expect.stringMatching(/writable again: 1 delayed record/),
    });
    await log.close();
  }, 20_000);

  it('has the record in the file when append returns, and confirms it on disk after, off the UI thread', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'titan-audit-')), 'audit.jsonl');
    // A pass-through spy on the real fsync: what the file held when each one ran.
    const handle = await open(path, 'a');
    const proto = Object.getPrototypeOf(handle) as { sync: () => Promise<void> };
    await handle.close();
    const real = proto.sync;
    const atSync: string[] = [];
    proto.sync = function (this: unknown) {
      atSync.push(readFileSync(path, 'utf8'));
      return real.call(this);
    };
    try {
      const log = new AuditLog(path, () => {});
      log.append(entry('a'));
      log.append(entry('b'));
      // Both records are readable at once; neither append waited for the disk.
      expect(lines(path).map((l) => (JSON.parse(l) as AuditEntry).id)).toEqual(['a', 'b']);
      expect(atSync).toHaveLength(0);
      await log.synced();
      expect(atSync.length).toBeGreaterThanOrEqual(1);
      expect(atSync.at(-1), 'the last fsync ran after the last record was written').toContain('"id":"b"');
    } finally {
      proto.sync = real;
    }
  });

  it("a FIFO in the log's place: the fsync fails with the alarm, and no thread waits on it for ever", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'titan-audit-'));
    const path = join(dir, 'audit.jsonl');
    execFileSync('mkfifo', [path]);
    const events: CockpitEvent[] = [];
    const log = new AuditLog(path, (e) => events.push(e));
    log.append(entry('into-a-fifo'));
    // An open for reading alone would wait for a writer that never comes (and hold a thread-pool
    // thread): the alarm would never go up.
    await waitFor(() => events.some((e) => e.type === 'audit.error' && /fsync failed/.test(e.error)), 2000);
  });

  it('ends and marks a torn last line at start, so later records stay parseable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'titan-audit-'));
    const path = join(dir, 'audit.jsonl');
    writeFileSync(path, `${JSON.stringify(entry('whole'))}\n{"time":"2026-01-01T00:00:01.000Z","id":"torn","oper`);
    const log = new AuditLog(path, () => {});
    const recent = log.readRecent();
    expect(recent.map((e) => e.id)).toEqual(['whole', expect.any(String)]);
    expect(recent[1]).toMatchObject({ action: 'audit.repair', outcome: 'FAILED', error: expect.stringMatching(/torn/) });
    log.append(entry('after'));
    const text = readFileSync(path, 'utf8').split('\n');
    expect(text[1]).toBe('{"time":"2026-01-01T00:00:01.000Z","id":"torn","oper');
    expect(JSON.parse(text[3] as string)).toMatchObject({ id: 'after' });
    expect(text.at(-1)).toBe('');
  });

  it('redacts a record before the file and the mirror', () => {
    const dir = mkdtempSync(join(tmpdir(), 'titan-audit-'));
    const mirrored: AuditEntry[] = [];
    const log = new AuditLog(join(dir, 'audit.jsonl'), () => {}, {
      target: 'test',
      publish: async (e) => {
        mirrored.push(e);
        return { ok: true };
      },
    });
    log.append(entry('r', 'HTTP 401: {"authorization":"Bearer eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYWRtaW4ifQ.abcdefghij"}'));
    const text = readFileSync(join(dir, 'audit.jsonl'), 'utf8');
    expect(text).not.toContain('eyJ');
    expect(JSON.stringify(mirrored)).not.toContain('eyJ');
  });
});
