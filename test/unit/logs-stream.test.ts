import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TITAN_PROFILE } from '../../src/contract/profiles.js';
import { EvidenceMatcher } from '../../src/services/logs/evidence.js';
import { LogStream, type LogStreamOptions } from '../../src/services/logs/log-stream.js';
import { LogRing } from '../../src/services/logs/ring.js';
import { onlySgrEscapes } from '../../src/services/logs/sanitize.js';
import type { CockpitEvent } from '../../src/state/events.js';
import { waitFor } from '../helpers/ports.js';

const matcher = new EvidenceMatcher(TITAN_PROFILE.logPatterns);
const HALT_JSON = JSON.stringify({
  timestamp: '2026-02-16T10:00:00.250Z',
  level: 'WARN',
  fields: { message: '🚨 SYSTEM HALT ACTIVATED: x' },
});

function setup(extra: Partial<LogStreamOptions> = {}) {
  const ring = extra.ring ?? new LogRing(5000);
  const events: CockpitEvent[] = [];
  const stream = new LogStream({ emit: (e) => events.push(e), container: 'titan-execution', ...extra, ring });
  const batches = () => events.filter((e) => e.type === 'logs.batch');
  return { ring, events, stream, batches };
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LogStream batching', () => {
  it('emits one logs.batch per flush window, and nothing when idle', async () => {
    const { ring, events, stream, batches } = setup({ flushMs: 50 });
    stream.onData('stdout', Buffer.from('one\ntw'));
    stream.onData('stdout', Buffer.from('o\nthree\n'));
    stream.onData('stderr', Buffer.from('err line\n'));
    expect(events).toEqual([]); // nothing synchronous: the flush is deferred
    await waitFor(() => batches().length === 1);
    expect(batches()[0]).toMatchObject({ type: 'logs.batch', container: 'titan-execution', added: 4, dropped: 0 });
    expect(ring.slice().map((l) => [l.seq, l.stream, l.text])).toEqual([
      [0, 'stdout', 'one'],
      [1, 'stdout', 'two'],
      [2, 'stdout', 'three'],
      [3, 'stderr', 'err line'],
    ]);
    await delay(150); // three more windows with no data
    expect(batches()).toHaveLength(1);

    stream.onData('stdout', Buffer.from('four\n'));
    await waitFor(() => batches().length === 2);
    expect(batches()[1]).toMatchObject({ added: 1, dropped: 0 });
    stream.stop();
  });

  it('keeps stdout and stderr partial lines apart', () => {
    const { ring, stream } = setup();
    stream.onData('stdout', Buffer.from('out-'));
    stream.onData('stderr', Buffer.from('err-'));
    stream.onData('stdout', Buffer.from('A\n'));
    stream.onData('stderr', Buffer.from('B\n'));
    stream.flush();
    expect(ring.slice().map((l) => `${l.stream}:${l.text}`)).toEqual(['stdout:out-A', 'stderr:err-B']);
    stream.stop();
  });

  it('stores parsed display text with SGR kept and hostile escapes removed', () => {
    const { ring, stream } = setup();
    stream.onData('stdout', Buffer.from('\x1b[31mred\x1b[0m \x1b]52;c;aGVsbG8=\x07\x1b[2J\x1b[?1049hok\n'));
    stream.onData(
      'stdout',
      Buffer.from(`${JSON.stringify({ timestamp: '2026-02-16T10:00:00Z', level: 'INFO', message: 'a\u001b]0;t\u0007b' })}\n`),
    );
    stream.flush();
    const [plain, json] = ring.slice();
    expect(plain!.text).toBe('\x1b[31mred\x1b[0m ok');
    expect(json!.text).toBe('10:00:00.000 INFO  ab');
    expect(json!.level).toBe('INFO');
    for (const l of ring.slice()) expect(onlySgrEscapes(l.text)).toBe(true);
    stream.stop();
  });

  it("gives the parser each line's stream and context: stderr plain text is WARN, a printed error keeps its level", () => {
    const { ring, stream } = setup({ timestamps: true });
    const ts = '2026-02-16T10:00:00.000000001Z ';
    stream.onData('stdout', Buffer.from(`${ts}Connected to NATS\n`));
    stream.onData(
      'stderr',
      Buffer.from(`${ts}Durable subscription error for titan.cmd.sys.halt.v1: Error: push consumer requires deliver_subject\n`),
    );
    stream.onData('stderr', Buffer.from(`${ts}  chainedError: undefined,\n${ts}}\n${ts}NATS reconnecting\n`));
    stream.flush();
    expect(ring.slice().map((l) => [l.stream, l.level])).toEqual([
      ['stdout', ''],
      ['stderr', 'ERROR'],
      ['stderr', 'ERROR'],
      ['stderr', 'ERROR'],
      ['stderr', 'WARN'],
    ]);
    stream.stop();
  });
});

describe('LogStream evidence', () => {
  it('emits evidence for a halt line inside tracing JSON, before the batch', () => {
    const { ring, events, stream } = setup({ service: 'execution', matcher });
    stream.onData(
      'stdout',
      Buffer.from(`${JSON.stringify({ timestamp: 't', level: 'INFO', fields: { message: 'tick' } })}\n${HALT_JSON}\n`),
    );
    stream.flush();
    expect(events.map((e) => e.type)).toEqual(['evidence', 'logs.batch']);
    const ev = events[0]!;
    if (ev.type !== 'evidence') throw new Error('expected evidence');
    expect(ev.line).toMatchObject({
      service: 'execution',
      kind: 'halt',
      patternId: 'exec-halt-activated',
      text: '🚨 SYSTEM HALT ACTIVATED: x',
      lineTime: '2026-02-16T10:00:00.250Z',
    });
    expect(ring.at(-1)?.evidence).toBe('halt');
    expect(ring.at(0)?.evidence).toBeUndefined();
    stream.stop();
  });

  it('does not report evidence without a service', () => {
    const { events, stream } = setup({ matcher });
    stream.onData('stdout', Buffer.from(`${HALT_JSON}\n`));
    stream.flush();
    expect(events.map((e) => e.type)).toEqual(['logs.batch']);
    stream.stop();
  });
});

describe('LogStream backpressure', () => {
  it('drops and counts lines under a 200k-line flood, keeps the ring bounded, and still catches evidence', () => {
    const { ring, events, stream, batches } = setup({ service: 'execution', matcher, maxPendingLines: 1000, ring: new LogRing(500) });
    const chunk = Buffer.from(
      `${JSON.stringify({ timestamp: '2026-02-16T10:00:00Z', level: 'INFO', fields: { message: 'fill BTC 0.1' } })}\n`.repeat(2000),
    );
    for (let i = 0; i < 100; i++) {
      stream.onData('stdout', chunk);
      if (i === 50) stream.onData('stdout', Buffer.from(`${HALT_JSON}\n`)); // deep inside the dropped region
      expect(stream.pendingCount).toBeLessThanOrEqual(1000);
    }
    stream.flush();
    const [batch] = batches();
    if (batch?.type !== 'logs.batch') throw new Error('expected one batch');
    expect(batches()).toHaveLength(1);
    expect(batch.dropped).toBeGreaterThan(0);
    expect(batch.added + batch.dropped).toBe(200_001);
    expect(batch.added).toBe(1001); // 1000 pending + the evidence line
    expect(ring.size).toBeLessThanOrEqual(ring.capacity);
    expect(ring.dropped).toBe(batch.dropped);
    const evidence = events.filter((e) => e.type === 'evidence');
    expect(evidence).toHaveLength(1);
    expect(ring.at(-1)?.evidence).toBe('halt');
    expect(ring.at(-1)?.seq).toBe(51 * 2000); // the seq still tells where it was in the stream
    stream.stop();
  });

  it('a flood arms a single timer: one batch per window', async () => {
    const { stream, batches } = setup({ flushMs: 50 });
    const chunk = Buffer.from('x\n'.repeat(1000));
    for (let i = 0; i < 20; i++) stream.onData('stdout', chunk);
    await waitFor(() => batches().length === 1);
    await delay(120);
    expect(batches()).toHaveLength(1);
    expect(batches()[0]).toMatchObject({ added: 20_000, dropped: 0 });
    stream.stop();
  });
});

describe('LogStream docker timestamps', () => {
  it('strips and keeps the RFC3339Nano prefix; lines without their own time show it', () => {
    const { ring, stream } = setup({ timestamps: true });
    stream.onData('stdout', Buffer.from('2026-02-16T10:00:00.123456789Z Connected to NATS\n'));
    stream.onData('stdout', Buffer.from(`2026-02-16T10:00:05.000000000Z ${HALT_JSON}\n`));
    stream.onData('stdout', Buffer.from('no timestamp here\n'));
    stream.flush();
    const [plain, json, bare] = ring.slice();
    expect(plain).toMatchObject({ ts: '2026-02-16T10:00:00.123456789Z', text: '10:00:00.123 Connected to NATS' });
    expect(json).toMatchObject({
      ts: '2026-02-16T10:00:05.000000000Z',
      level: 'WARN',
      text: '10:00:00.250 WARN  🚨 SYSTEM HALT ACTIVATED: x',
    });
    expect(bare!.ts).toBeUndefined();
    expect(bare!.text).toBe('no timestamp here');
    stream.stop();
  });

  it('leaves a timestamp-like prefix alone when timestamps are off', () => {
    const { ring, stream } = setup();
    stream.onData('stdout', Buffer.from('2026-02-16T10:00:00Z hello\n'));
    stream.flush();
    expect(ring.at(0)).toMatchObject({ text: '2026-02-16T10:00:00Z hello' });
    expect(ring.at(0)?.ts).toBeUndefined();
  });
});

describe('LogStream end and stop', () => {
  it('onEnd delivers the unterminated last line, reports the error, then ignores data', () => {
    const { ring, events, stream } = setup();
    stream.onData('stdout', Buffer.from('last words'));
    stream.onEnd('container exited (code 137)');
    expect(ring.slice().map((l) => l.text)).toEqual(['last words']);
    expect(events.map((e) => e.type)).toEqual(['logs.batch', 'logs.error']);
    expect(events[1]).toMatchObject({ container: 'titan-execution', error: 'container exited (code 137)' });
    stream.onData('stdout', Buffer.from('late\n'));
    stream.flush();
    expect(ring.size).toBe(1);
    expect(events).toHaveLength(2);
  });

  it('stop flushes queued lines once and nothing fires afterwards', async () => {
    const { ring, events, stream } = setup({ flushMs: 50 });
    stream.onData('stdout', Buffer.from('queued\n'));
    stream.stop();
    expect(ring.size).toBe(1);
    expect(events).toHaveLength(1);
    stream.onData('stdout', Buffer.from('after stop\n'));
    await delay(120);
    expect(events).toHaveLength(1);
    expect(ring.size).toBe(1);
  });

  it('clamps flushMs to the 50 ms minimum', async () => {
    const { stream, batches } = setup({ flushMs: 1 });
    stream.onData('stdout', Buffer.from('x\n'));
    await delay(20);
    expect(batches()).toHaveLength(0);
    await waitFor(() => batches().length === 1);
    stream.stop();
  });
});

describe('LogStream evidence delivery', () => {
  it('delivers an evidence line at once, without waiting for the batch window', () => {
    const { events, stream } = setup({ flushMs: 1000, service: 'execution', matcher });
    stream.onData('stdout', Buffer.from(`${HALT_JSON}\n`));
    expect(events.filter((e) => e.type === 'evidence')).toHaveLength(1);
    stream.stop();
  });

  it('the log pane mode highlights evidence lines but reports no evidence event', () => {
    const { events, stream, ring } = setup({ flushMs: 50, service: 'execution', matcher, emitEvidence: false });
    stream.onData('stdout', Buffer.from(`${HALT_JSON}\nplain line\n`));
    stream.flush();
    expect(events.some((e) => e.type === 'evidence')).toBe(false);
    expect(ring.slice().map((l) => l.evidence)).toEqual(['halt', undefined]);
    stream.stop();
  });

  it('evidence-only mode keeps candidate lines and skips the rest', () => {
    const { events, stream, ring } = setup({ flushMs: 50, service: 'execution', matcher, evidenceOnly: true });
    stream.onData('stdout', Buffer.from(`noise 1\n${HALT_JSON}\nnoise 2\n`));
    stream.flush();
    expect(ring.size).toBe(1);
    expect(events.filter((e) => e.type === 'evidence')).toHaveLength(1);
    stream.stop();
  });
});

describe('LogStream stays live, or says how far behind it is', () => {
  const at = (ms: number) => JSON.stringify({ timestamp: new Date(ms).toISOString(), level: 'INFO', fields: { message: `tick ${ms}` } });

  it('a skip leaves a visible marker with how many lines and how much log (by their own times)', () => {
    const { ring, stream } = setup({ maxPendingLines: 10 });
    const t0 = Date.parse('2026-02-16T10:00:00Z');
    const lines = Array.from({ length: 30 }, (_, i) => at(t0 + i * 1000));
    stream.onData('stdout', Buffer.from(`${lines.join('\n')}\n`));
    stream.flush();
    const texts = Array.from({ length: ring.size }, (_, i) => ring.at(i)?.text ?? '');
    expect(texts).toHaveLength(11);
    expect(texts[10]).toBe('⏭ skipped 20 lines, 19.0 s to stay live');
    expect(ring.at(10)?.level).toBe('WARN');
    stream.stop();
  });

  it("each batch says how far its newest line is behind now, from the line's own time", () => {
    // Opened 10 s ago: lines written 6 and 5 s ago, arriving now, are 5 s late.
    const { stream, batches } = setup({ openedAt: Date.now() - 10_000 });
    stream.onData('stdout', Buffer.from(`${at(Date.now() - 6000)}\n${at(Date.now() - 5000)}\n`));
    stream.flush();
    const b = batches()[0];
    if (b?.type !== 'logs.batch') throw new Error('expected a batch');
    expect(b.behindMs).toBeGreaterThanOrEqual(5000);
    expect(b.behindMs).toBeLessThan(6000);
    stream.onData('stdout', Buffer.from('a plain line with no time\n'));
    stream.flush();
    const plain = batches()[1];
    expect(plain?.type === 'logs.batch' && plain.behindMs).toBeUndefined();
    stream.stop();
  });

  it('lines written before the stream was opened (the tail, a since replay) are history, not lag', () => {
    const opened = Date.now() - 2000;
    const { stream, batches } = setup({ openedAt: opened });
    // A quiet container's tail: its newest line is a minute old, and nothing newer exists.
    stream.onData('stdout', Buffer.from(`${at(opened - 61_000)}\n${at(opened - 60_000)}\n`));
    stream.flush();
    const tail = batches()[0];
    expect(tail?.type === 'logs.batch' && tail.added).toBe(2);
    expect(tail?.type === 'logs.batch' && tail.behindMs).toBeUndefined();
    // A line written after the open, arriving 1.5 s after it was written, is 1.5 s behind.
    stream.onData('stdout', Buffer.from(`${at(Date.now() - 1500)}\n`));
    stream.flush();
    const live = batches()[1];
    if (live?.type !== 'logs.batch') throw new Error('expected a batch');
    expect(live.behindMs).toBeGreaterThanOrEqual(1500);
    expect(live.behindMs).toBeLessThan(2500);
    stream.stop();
  });

  it("Docker's time of a plain line counts the same way: before the open is history, after it is lag", () => {
    const opened = Date.now() - 2000;
    const { stream, batches } = setup({ openedAt: opened, timestamps: true });
    const docker = (ms: number, text: string) => `${new Date(ms).toISOString().replace('Z', '000000Z')} ${text}\n`;
    stream.onData('stdout', Buffer.from(docker(opened - 45_000, 'listening on :3002')));
    stream.flush();
    expect(batches()[0]?.type === 'logs.batch' && (batches()[0] as { behindMs?: number }).behindMs).toBeUndefined();
    stream.onData('stdout', Buffer.from(docker(Date.now() - 1200, 'order accepted')));
    stream.flush();
    expect((batches()[1] as { behindMs?: number }).behindMs).toBeGreaterThanOrEqual(1200);
    stream.stop();
  });

  describe('catching up (fake timers)', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it('behind, then nothing more from Docker for a second: the backlog is read, the stream says 0 behind', () => {
      const { stream, batches } = setup({ openedAt: Date.now() - 60_000, flushMs: 50 });
      const behindOf = (i: number) => (batches()[i] as { behindMs?: number } | undefined)?.behindMs;
      // A backlog drains: lines 8 s late keep coming every 300 ms, and the stream stays "behind".
      for (let i = 0; i < 5; i++) {
        stream.onData('stdout', Buffer.from(`${at(Date.now() - 8000)}\n`));
        vi.advanceTimersByTime(300);
      }
      expect(batches().length).toBe(5);
      expect(batches().every((b) => b.type === 'logs.batch' && (b.behindMs ?? 0) >= 8000)).toBe(true);
      // Then nothing: a second later the stream says it is live, with no lines added.
      vi.advanceTimersByTime(1100);
      expect(batches()).toHaveLength(6);
      expect(batches()[5]).toMatchObject({ type: 'logs.batch', added: 0, dropped: 0, behindMs: 0 });
      // Once only; a live line later is measured as usual.
      vi.advanceTimersByTime(5000);
      expect(batches()).toHaveLength(6);
      stream.onData('stdout', Buffer.from(`${at(Date.now() - 100)}\n`));
      vi.advanceTimersByTime(60);
      expect(behindOf(6)).toBeLessThan(1000);
      stream.stop();
    });

    it('bytes still coming (the intake skipping them) keep it from saying it caught up', () => {
      const { stream, batches } = setup({ openedAt: Date.now() - 60_000, flushMs: 50 });
      stream.onData('stdout', Buffer.from(`${at(Date.now() - 8000)}\n`));
      for (let i = 0; i < 10; i++) {
        vi.advanceTimersByTime(300);
        stream.arrived();
      }
      expect(batches()).toHaveLength(1);
      vi.advanceTimersByTime(1100);
      expect(batches()[1]).toMatchObject({ added: 0, behindMs: 0 });
      stream.stop();
    });

    it('a stream that stops while behind says nothing more', () => {
      const { stream, batches } = setup({ openedAt: Date.now() - 60_000, flushMs: 50 });
      stream.onData('stdout', Buffer.from(`${at(Date.now() - 8000)}\n`));
      vi.advanceTimersByTime(60);
      stream.stop();
      vi.advanceTimersByTime(5000);
      expect(batches()).toHaveLength(1);
    });
  });

  it('the evidence watch reports when a flood made it drop candidate lines', () => {
    const { events, stream } = setup({ service: 'execution', matcher, evidenceOnly: true, maxPendingLines: 2 });
    stream.onData('stdout', Buffer.from(`${HALT_JSON}\n`.repeat(2 + 256 + 3)));
    stream.flush();
    expect(events.find((e) => e.type === 'evidence.gap')).toMatchObject({ service: 'execution', lost: 3 });
    stream.stop();
  });
});
