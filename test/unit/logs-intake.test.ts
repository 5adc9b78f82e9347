/**
 * The log worker's intake: Docker's frames (or a TTY's raw bytes) in, whole lines out to the
 * LogStream, skipping BEFORE per-line work under a flood, and never losing an evidence line.
 */
import { describe, expect, it, vi } from 'vitest';
import { TITAN_PROFILE } from '../../src/contract/profiles.js';
import { EvidenceMatcher } from '../../src/services/logs/evidence.js';
import { dockerTime, Intake, type IntakeOptions } from '../../src/services/logs/intake.js';
import { RawScreen } from '../../src/services/logs/literals.js';
import { LogStream } from '../../src/services/logs/log-stream.js';
import { LogRing } from '../../src/services/logs/ring.js';
import type { CockpitEvent } from '../../src/state/events.js';

const matcher = new EvidenceMatcher(TITAN_PROFILE.logPatterns);
const execScreen = new RawScreen(TITAN_PROFILE.logPatterns.filter((p) => p.service === 'execution').map((p) => p.regex));
const HALT = JSON.stringify({ timestamp: '2026-02-16T10:00:00.250Z', level: 'WARN', fields: { message: '🚨 SYSTEM HALT ACTIVATED: x' } });

function frame(text: string, stream: 1 | 2 = 1): Buffer {
  const payload = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
}

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000000Z');

function setup(opts: Partial<IntakeOptions> & { evidenceOnly?: boolean } = {}) {
  const events: CockpitEvent[] = [];
  const ring = new LogRing(5000);
  const stream = new LogStream({
    ring,
    emit: (e) => events.push(e),
    container: 'titan-execution',
    service: 'execution',
    matcher,
    evidenceOnly: opts.evidenceOnly,
    timestamps: opts.timestamps ?? false,
  });
  let now = 1000;
  const intake = new Intake({ tty: false, stream, mode: 'pane', screen: execScreen, timestamps: false, now: () => now, ...opts });
  const texts = () => {
    stream.flush();
    return ring.slice().map((l) => l.text);
  };
  return { events, ring, stream, intake, texts, tick: (ms: number) => (now += ms) };
}

describe('Intake: frames', () => {
  it('splits Docker frames into lines whatever the chunk boundaries, stdout and stderr apart', () => {
    const bytes = Buffer.concat([frame('one\n'), frame('two\n', 2), frame('thr'), frame('ee\n'), frame(`${HALT}\n`)]);
    const whole = setup();
    whole.intake.push(bytes);
    const expected = whole.texts();
    expect(expected).toHaveLength(4);
    for (let size = 1; size <= 9; size++) {
      const s = setup();
      for (let i = 0; i < bytes.length; i += size) s.intake.push(bytes.subarray(i, i + size));
      expect(s.texts()).toEqual(expected);
      expect(s.ring.slice().map((l) => l.stream)).toEqual(['stdout', 'stderr', 'stdout', 'stdout']);
      expect(s.intake.cut).toBe(false);
    }
  });

  it('a stream cut in the middle of a frame says so', () => {
    const s = setup();
    s.intake.push(frame('complete line\n').subarray(0, 12));
    expect(s.intake.cut).toBe(true);
  });

  it('bytes that are not frames (a TTY it was not told about) are passed on, never dropped', () => {
    const s = setup();
    s.intake.push(Buffer.from('plain tty output\nsecond\n'));
    expect(s.texts()).toEqual(['plain tty output', 'second']);
  });
});

describe('Intake: skip before per-line work', () => {
  it('past the line budget, whole frames are skipped and counted, with their span by Docker time', () => {
    const s = setup({ linesPerSec: 10, burst: 10, timestamps: true });
    const t0 = Date.parse('2026-02-16T10:00:00Z');
    s.intake.push(Buffer.concat(Array.from({ length: 100 }, (_, i) => frame(`${iso(t0 + i * 100)} line ${i}\n`))));
    const texts = s.texts();
    expect(texts).toHaveLength(11);
    expect(texts[10]).toBe('⏭ skipped 90 lines, 8.9 s to stay live');
    // The budget refills with time: the next chunk is read again.
    s.tick(1000);
    s.intake.push(frame(`${iso(t0 + 20_000)} later\n`));
    expect(s.texts().at(-1)).toContain('later');
  });

  it('an evidence line inside the skipped part is decoded all the same, and highlighted', () => {
    const s = setup({ linesPerSec: 5, burst: 5 });
    const noise = Array.from({ length: 50 }, (_, i) => frame(`noise ${i}\n`));
    noise.splice(30, 0, frame(`${HALT}\n`));
    s.intake.push(Buffer.concat(noise));
    s.stream.flush();
    const lines = s.ring.slice();
    expect(lines.filter((l) => l.evidence === 'halt')).toHaveLength(1);
    expect(lines.some((l) => l.text.startsWith('⏭ skipped'))).toBe(true);
  });

  it('behind live: only the newest lines of each chunk are shown until it catches up', () => {
    let wall = Date.parse('2026-02-16T10:00:10Z');
    const s = setup({ timestamps: true, wallClock: () => wall, openedAt: wall - 5000 });
    const old = (i: number) => frame(`${iso(wall - 5000 + i)} old ${i}\n`);
    // First chunk: lines 5 s old; the intake learns it is behind.
    s.intake.push(Buffer.concat(Array.from({ length: 100 }, (_, i) => old(i))));
    expect(s.texts()).toHaveLength(100);
    s.tick(1000);
    s.intake.push(Buffer.concat(Array.from({ length: 1000 }, (_, i) => old(100 + i))));
    const texts = s.texts();
    expect(texts.length).toBeLessThan(100 + 100);
    expect(texts.some((t) => t.startsWith('⏭ skipped'))).toBe(true);
    expect(texts.at(-1)).toContain('old 1099'); // the newest line of the chunk is on screen
    // Live again: everything shown.
    wall += 1;
    s.tick(1000);
    s.intake.push(frame(`${iso(wall)} live\n`));
    s.intake.push(frame(`${iso(wall)} live 2\n`));
    expect(s.texts().slice(-2)).toEqual([expect.stringContaining('live'), expect.stringContaining('live 2')]);
  });
});

describe('Intake: the stream knows when bytes came', () => {
  it('every chunk counts as Docker being heard, the middle of a frame too (the caught-up check waits for quiet)', () => {
    const { stream, intake } = setup();
    const arrived = vi.spyOn(stream, 'arrived');
    const f = frame('x'.repeat(100));
    intake.push(f.subarray(0, 30));
    intake.push(f.subarray(30, 60)); // neither a header nor a whole line: nothing else reaches the stream
    intake.push(f.subarray(60));
    expect(arrived).toHaveBeenCalledTimes(3);
  });
});

describe('Intake: evidence mode', () => {
  it('decodes only the frames holding a literal, split across chunks at any byte', () => {
    const bytes = Buffer.concat([...Array.from({ length: 200 }, (_, i) => frame(`fill ${i}\n`)), frame(`${HALT}\n`), frame('after\n')]);
    for (const size of [1, 3, 17, 64, bytes.length]) {
      const s = setup({ mode: 'evidence', evidenceOnly: true });
      for (let i = 0; i < bytes.length; i += size) s.intake.push(bytes.subarray(i, i + size));
      s.stream.flush();
      expect(s.events.filter((e) => e.type === 'evidence')).toHaveLength(1);
    }
  });

  it('the accept filter decides (the watch ignores lines written before it began)', () => {
    const s = setup({
      mode: 'evidence',
      evidenceOnly: true,
      timestamps: true,
      accept: (u) => dockerTime(u, 0, u.length) > Date.parse('2026-02-16T10:00:05Z'),
    });
    s.intake.push(frame(`2026-02-16T10:00:01.000000000Z ${HALT}\n`));
    s.intake.push(frame(`2026-02-16T10:00:09.000000000Z ${HALT}\n`));
    s.stream.flush();
    expect(s.events.filter((e) => e.type === 'evidence')).toHaveLength(1);
  });

  it('without usable literals it screens line by line within the budget, and reports what it could not', () => {
    const s = setup({ mode: 'evidence', evidenceOnly: true, screen: new RawScreen(['a.*b']), linesPerSec: 10, burst: 10 });
    s.intake.push(Buffer.concat(Array.from({ length: 30 }, (_, i) => frame(`line ${i}\n`))));
    s.stream.flush();
    expect(s.events.find((e) => e.type === 'evidence.gap')).toMatchObject({ service: 'execution', lost: 20 });
  });

  it('more lines holding a literal in one chunk than it decodes: the rest are reported lost, never dropped silently', () => {
    // A flood of lines that look like evidence (100 in one read) must not hide that some were not checked.
    const s = setup({ mode: 'evidence', evidenceOnly: true });
    s.intake.push(Buffer.concat(Array.from({ length: 100 }, () => frame(`${HALT}\n`))));
    s.stream.flush();
    const decoded = s.events.filter((e) => e.type === 'evidence').length;
    const gap = s.events.find((e) => e.type === 'evidence.gap') as { lost?: number } | undefined;
    expect(decoded).toBeGreaterThan(0);
    expect(decoded + (gap?.lost ?? 0)).toBe(100);
    expect(gap?.lost).toBeGreaterThan(0);
  });

  it('pane mode hands every line holding a literal to onHit, kept or skipped (the evidence watch reads it)', () => {
    const hits: string[] = [];
    const s = setup({ linesPerSec: 1, burst: 1, onHit: (_k, u) => hits.push(u.toString()) });
    const bytes = Buffer.concat([frame('a\n'), frame('b\n'), frame(`${HALT}\n`), frame('c\n')]);
    s.intake.push(bytes.subarray(0, 30)); // the halt frame split across two chunks
    s.intake.push(bytes.subarray(30));
    expect(hits).toEqual([`${HALT}\n`]);
  });
});

describe('Intake: TTY', () => {
  it('splits raw bytes into lines, and a skip resumes at the next whole line', () => {
    const s = setup({ tty: true, linesPerSec: 2, burst: 2 });
    s.intake.push(Buffer.from('one\ntwo\nthree\nfou'));
    s.intake.push(Buffer.from('r\nfive\n'));
    const texts = s.texts();
    expect(texts.slice(0, 2)).toEqual(['one', 'two']);
    expect(texts.some((t) => t.includes('skipped'))).toBe(true);
    expect(texts.join('|')).not.toMatch(/\br\b/); // never half a line
  });
});
