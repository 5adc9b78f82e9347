/**
 * src/ui/ink-output.ts replaces Ink's own output.js in the bundle (scripts/bundle.mjs): it must write
 * exactly what Ink's writes. Both get the same operations, the cockpit's kind of writes and hostile
 * ones (wide and joined characters, escape sequences of every kind, clips, overlaps), and a seeded
 * random mix of them; every frame is compared byte for byte.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import Output, { cacheSizes, styleCount } from '../../src/ui/ink-output.js';
import { seeded } from '../helpers/seeded.js';

type Transformer = (line: string, index: number) => string;
interface AnyOutput {
  write(x: number, y: number, text: string, o: { transformers: Transformer[] }): void;
  clip(c: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
  unclip(): void;
  get(): { output: string; height: number };
}
type Op = ['w', number, number, string, Transformer[]] | ['c', { x1?: number; x2?: number; y1?: number; y2?: number }] | ['u'];

// Ink's package exports only its entry; its output.js is next to it.
const inkDir = dirname(fileURLToPath(import.meta.resolve('ink')));
const InkOutput = (await import(pathToFileURL(join(inkDir, 'output.js')).href)).default as new (o: {
  width: number;
  height: number;
}) => AnyOutput;

function run(make: () => AnyOutput, ops: Op[]): { output: string; height: number } {
  const out = make();
  for (const op of ops) {
    if (op[0] === 'w') out.write(op[1], op[2], op[3], { transformers: op[4] });
    else if (op[0] === 'c') out.clip(op[1]);
    else out.unclip();
  }
  return out.get();
}

function same(width: number, height: number, ops: Op[]): string {
  const ink = run(() => new InkOutput({ width, height }), ops);
  const ours = run(() => new Output({ width, height }), ops);
  expect(JSON.stringify(ours.output)).toBe(JSON.stringify(ink.output));
  expect(ours.height).toBe(ink.height);
  return ours.output;
}

const red = (s: string) => `\x1b[31m${s.replaceAll('\x1b[39m', '\x1b[39m\x1b[31m')}\x1b[39m`;
const gray = (s: string) => `\x1b[90m${s}\x1b[39m`;
const bold = (s: string) => `\x1b[1m${s}\x1b[22m`;
const upper: Transformer = (s) => s.toUpperCase();
const colour: Transformer = (s) => red(s);
const byIndex: Transformer = (s, i) => (i % 2 ? bold(s) : s);

const FRAGMENTS = [
  'plain ascii text',
  '│ box ─ drawing ┌┐└┘ ▌ ● ⏭ …',
  gray(' 12:00:00.123 ') + '{"level":"ERROR","msg":"boom"}',
  red('halted') + ' then ' + bold('bold') + '\x1b[2mdim\x1b[22m',
  '\x1b[38;5;208morange 256\x1b[39m \x1b[38;2;1;2;3mtruecolor\x1b[0m',
  '\x1b[1;3;31mcompound\x1b[m reset-empty',
  '\x1b[31munclosed red',
  'trailing close\x1b[39m\x1b[49m',
  '漢字 wide 全角',
  'emoji 👍🏽 flag 🇩🇪 keycap 1️⃣ zwj 👩‍💻',
  'e\u0301 combining, a\u200bzero width, soft\u00adhyphen',
  '\x1b]8;;https://example.com\x07link\x1b]8;;\x07 after',
  '\x1b]0;title\x07osc title',
  'ctrl \x07 bell \t tab \r cr \x7f del \x9b31m c1',
  '\x1b[Kerase \x1b[2J clear \x1b7 save',
  'multi\nline ' + red('red\nacross') + ' lines\n',
  '',
  ' ',
  '   spaces   ',
  '\x1b[7m inverse \x1b[27m',
  'ÀÉÎõü ñ ß ø Ω',
  'ｈａｌｆ ｗｉｄｔｈ',
  'tail space then wide 漢',
  `${gray(' 12:00:00.123 ')}📈 order filled BTC-USD 0.5 @ 97,000 ✅ done`,
  '\x1b[31m\u0301mark right after a colour code\x1b[39m\u200djoiner after one',
  'run 🏃\u200d♀\uFE0F, warn ⚠\uFE0F, heart ❤ and ❤\uFE0E',
  '#\uFE0F\u20E3 keycap, odd flags 🇩🇪🇫, क्षत्रिय conjunct',
];

describe('the bundle Output writes what Ink Output writes', () => {
  it('a pane: borders, a title, coloured log lines clipped in a box', () => {
    const ops: Op[] = [['w', 0, 0, `┌${'─'.repeat(38)}┐`, []]];
    for (let y = 1; y < 9; y++) {
      ops.push(['w', 0, y, '│', []], ['w', 39, y, '│', []]);
    }
    ops.push(['c', { x1: 1, x2: 39, y1: 1, y2: 9 }]);
    for (let y = 1; y < 12; y++) ops.push(['w', 1, y, gray(' 12:00:0 ') + `line ${y} ${'x'.repeat(y * 4)}`, [colour]]);
    ops.push(['u'], ['w', 0, 9, `└${'─'.repeat(38)}┘`, []], ['w', 2, 0, bold(' Logs '), []]);
    const out = same(40, 10, ops);
    expect(out).toContain('Logs');
  });

  it('each fragment alone, with and without transformers, at several places and clips', () => {
    for (const text of FRAGMENTS) {
      for (const transformers of [[], [colour], [upper, byIndex]] as Transformer[][]) {
        same(30, 4, [['w', 0, 0, text, transformers]]);
        same(30, 4, [['w', 5, 1, text, transformers]]);
        same(12, 3, [['c', { x1: 2, x2: 9, y1: 0, y2: 2 }], ['w', 0, 0, text, transformers], ['u']]);
        same(12, 3, [['c', { x1: 3, x2: 5 }], ['w', 1, 1, text, transformers], ['u']]);
        same(12, 3, [['c', { x1: 0, x2: 5 }], ['w', 0, 0, text, transformers], ['u']]); // cut on the right only
        same(8, 2, [['w', 6, 0, text, transformers]]); // past the right edge
        same(8, 2, [['w', 0, 1, text, transformers]]); // past the bottom
      }
    }
  });

  it('overlapping writes: a prompt over a pane, a wide character cut in half from either side', () => {
    same(20, 3, [
      ['w', 0, 0, '漢字漢字漢字漢字', []],
      ['w', 3, 0, 'X', []],
      ['w', 0, 1, red('abcdefghij'), []],
      ['w', 4, 1, '全', [colour]],
      ['w', 0, 2, '漢字漢字', []],
      ['w', 2, 2, bold('ab'), []],
    ]);
    same(10, 2, [
      ['w', 0, 0, '0123456789', []],
      ['w', 1, 0, '漢', []],
      ['w', 2, 0, 'z', []],
    ]);
    // Cut on the right inside a run of wide characters: fewer characters than columns kept.
    same(10, 1, [['c', { x1: 0, x2: 5 }], ['w', 0, 0, '漢字漢字', [colour]], ['u']]);
    // A write that ends on the first half of a wide character, and one that starts on its second half.
    same(10, 2, [
      ['w', 0, 0, '漢字漢字', []],
      ['w', 2, 0, 'a', []],
      ['w', 0, 1, '漢字漢字', []],
      ['w', 3, 1, 'b', [colour]],
    ]);
  });

  it('frames one after another on the same grid: a write past the right edge leaves nothing for the next frame', () => {
    // The grid is kept between frames (src/ui/ink-output.ts): each frame must still start from a blank one.
    same(8, 2, [
      ['w', 2, 0, red('past the right edge'), []],
      ['w', 0, 1, '漢字漢字漢字', []],
    ]);
    same(8, 2, [['w', 12, 0, 'x', []]]); // a gap past the edge: Ink leaves it empty, so must we
    same(8, 2, [['w', 0, 0, 'ab', []]]);
    same(8, 3, [['w', 0, 2, 'taller', []]]);
    same(8, 1, [['w', 0, 0, bold('shorter'), []]]);
    same(5, 2, [['w', 0, 1, 'narrower', []]]);
  });

  it('nested and empty clips', () => {
    same(20, 5, [
      ['c', { x1: 2, x2: 15, y1: 1, y2: 4 }],
      ['c', { x1: 5, x2: 30, y1: 0, y2: 3 }],
      ['w', 0, 0, 'abcdefghijklmnopqrstuvwxyz\n0123456789\n漢字漢字漢字', [colour]],
      ['u'],
      ['c', { x1: 8, x2: 8 }],
      ['w', 0, 2, 'never shown', []],
      ['u'],
      ['u'],
    ]);
  });

  it('a seeded random mix of 1,500 frames', () => {
    const next = seeded(42);
    const rnd = (n: number) => next() % n;
    const transformerSets: Transformer[][] = [[], [], [colour], [upper], [colour, byIndex]];
    for (let frame = 0; frame < 1500; frame++) {
      const width = 1 + rnd(40);
      const height = 1 + rnd(6);
      const ops: Op[] = [];
      let open = 0;
      for (let i = 0, n = 1 + rnd(8); i < n; i++) {
        const r = rnd(10);
        if (r === 0) {
          ops.push(['c', { x1: rnd(width), x2: rnd(width + 5), y1: rnd(height), y2: rnd(height + 2) }]);
          open++;
        } else if (r === 1 && open > 0) {
          ops.push(['u']);
          open--;
        } else {
          const a = FRAGMENTS[rnd(FRAGMENTS.length)] as string;
          const b = FRAGMENTS[rnd(FRAGMENTS.length)] as string;
          const text = rnd(3) === 0 ? a + b : rnd(4) === 0 ? `${a}\n${b}` : a;
          ops.push(['w', rnd(width + 3), rnd(height + 1), text, transformerSets[rnd(transformerSets.length)] as Transformer[]]);
        }
      }
      same(width, height, ops);
    }
  });

  it('random mixes of narrow characters with joining, wide and colour ones (texts cut as Ink cuts them)', () => {
    // Narrow characters of each kind next to what may join them: marks, joiners, selectors, keycaps,
    // skin tones, flags' halves, Hangul jamo, Devanagari's virama, zero-width ones, colour codes.
    const pool = [
      'a',
      '1',
      '#',
      ' ',
      '│',
      '♀',
      '⚠',
      '❤',
      '☺',
      '─',
      'é',
      '\n',
      '📈',
      '👍',
      '🏽',
      '\u200d',
      '\ufe0f',
      '\ufe0e',
      '\u20e3',
      '\u0301',
      '\u0302',
      '🇩',
      '🇪',
      '漢',
      'ｈ',
      'ᄀ',
      'ᅡ',
      'ᆨ',
      '각',
      'क',
      '\u094d',
      'ष',
      '\u200b',
      '\u00ad',
      '\u2060',
      '\x1b[31m',
      '\x1b[39m',
      '\x1b[1;32m',
      '\x1b[0m',
    ];
    const next = seeded(7);
    const rnd = (n: number) => next() % n;
    for (let frame = 0; frame < 3000; frame++) {
      let text = '';
      for (let i = 0, n = 1 + rnd(14); i < n; i++) text += pool[rnd(pool.length)];
      const width = 4 + rnd(20);
      const ops: Op[] =
        rnd(3) === 0 ? [['c', { x1: rnd(6), x2: 2 + rnd(width) }], ['w', rnd(4), 0, text, []], ['u']] : [['w', rnd(4), 0, text, []]];
      same(width, 3, ops);
    }
  });

  it('a log of ever new colours does not grow the style table for the day, and still writes what Ink writes', () => {
    let peak = 0;
    for (let frame = 0; frame < 60; frame++) {
      const ops: Op[] = [];
      for (let y = 0; y < 10; y++) {
        let text = '';
        for (let i = 0; i < 20; i++) text += `\x1b[38;2;${frame};${y};${i}m#`;
        ops.push(['w', 0, y, text, []]);
      }
      same(30, 10, ops);
      peak = Math.max(peak, styleCount());
    }
    // 12,000 colours were written; the table starts over past 4,096, between frames.
    expect(peak).toBeGreaterThan(4096);
    expect(styleCount()).toBeLessThan(4096 + 400);
  });

  it('a day of log windows (a new 7,000-character text each) keeps its caches bounded by characters', () => {
    let peak = { cells: 0, lines: 0, widths: 0 };
    for (let frame = 0; frame < 3000; frame++) {
      const rows = Array.from({ length: 45 }, (_, i) => `\x1b[90m 12:00:0${i % 10}.000 \x1b[39mframe ${frame} row ${i} ${'x'.repeat(120)}`);
      const out = new Output({ width: 160, height: 46 });
      out.clip({ x1: 0, x2: 160, y1: 0, y2: 46 });
      out.write(0, 0, rows.join('\n'), { transformers: [] });
      out.unclip();
      out.get();
      const now = cacheSizes();
      peak = { cells: Math.max(peak.cells, now.cells), lines: Math.max(peak.lines, now.lines), widths: Math.max(peak.widths, now.widths) };
    }
    // ~21 million characters went through; each cache keeps at most its bound plus the last text.
    expect(peak.cells).toBeLessThan(60_000 + 20_000);
    expect(peak.lines).toBeLessThan(200_000 + 20_000);
    expect(peak.widths).toBeLessThan(200_000 + 20_000);
  });

  it('one huge text does not keep its size of scratch after its frame', () => {
    const huge = `${'\x1b[31mred\x1b[39m '.repeat(20_000)}\n${'y'.repeat(300_000)}`;
    expect(same(40, 3, [['w', 0, 0, huge, []]])).toContain('red');
    expect(cacheSizes().scratch).toBeLessThanOrEqual(2 * 64 * 1024);
  });
});
