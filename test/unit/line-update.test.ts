/**
 * src/ui/line-update.ts answers first for Ink's changed-line update in the bundle (scripts/bundle.mjs),
 * Ink's own code for what it leaves: together they must return exactly what Ink's lineUpdate returns.
 * Both get lines the cockpit writes (borders, coloured log rows) and hostile ones (wide and joined
 * characters, stray escapes, controls, codes cut by the difference), and a seeded random mix.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script (plain .mjs, no types)
import { narrowStringPattern } from '../../scripts/narrow-chars.mjs';
import { narrowLineUpdate } from '../../src/ui/line-update.js';
import { seeded } from '../helpers/seeded.js';

type LineUpdate = (previous: string, next: string, columns: number | undefined) => string;
const inkDir = dirname(fileURLToPath(import.meta.resolve('ink')));
const inkLineUpdate = (await import(pathToFileURL(join(inkDir, 'line-update.js')).href)).default as LineUpdate;
const narrow = new RegExp(narrowStringPattern() as string, 'u');
/** ansi-escapes' (what Ink's line-update uses): a column move, and erase to the end of the line. */
const ansiEscapes = { cursorTo: (x: number) => `\x1b[${x + 1}G`, eraseEndLine: '\x1b[K' };

let answered = 0;
/** As the bundle calls it: ours first, Ink's for the rest. */
const bundled: LineUpdate = (previous, next, columns) => {
  const ours = narrowLineUpdate(previous, next, columns, narrow, ansiEscapes);
  if (ours !== undefined) answered++;
  return ours ?? inkLineUpdate(previous, next, columns);
};

function same(previous: string, next: string, columns: number | undefined): void {
  expect(JSON.stringify(bundled(previous, next, columns)), JSON.stringify({ previous, next, columns })).toBe(
    JSON.stringify(inkLineUpdate(previous, next, columns)),
  );
}

const gray = (s: string) => `\x1b[90m${s}\x1b[39m`;
const red = (s: string) => `\x1b[31m${s}\x1b[39m`;

describe("the bundle's changed-line update writes what Ink's writes", () => {
  it('log rows and pane lines that change at their end, middle, start, or inside a colour code', () => {
    answered = 0;
    const row = (n: number, tail: string) => `│${gray(` 12:00:0${n}.123 `)}{"level":"info","seq":${n}} ${tail}│`;
    for (const columns of [0, 1, 5, 20, 60, 80, 160, undefined, Number.NaN]) {
      same(row(1, 'abc'), row(1, 'abd'), columns);
      same(row(1, 'abc'), row(2, 'abc'), columns);
      same(row(1, 'abc'), `X${row(1, 'abc').slice(1)}`, columns);
      same(`ab${red('cd')}`, `ab\x1b[32mcd\x1b[39m`, columns); // differs inside the code
      same(`ab${red('cd')}`, `ab\x1b[31;1mcd\x1b[39m`, columns);
      same('ab\x1b[1m', 'ab\x1b[12m', columns);
      same('┌──┐ é ü ● ✕', '┌──┐ é ü ● ✓', columns);
      same('same', 'same', columns);
      same('', 'new', columns);
      same('old', '', columns);
      same('prefix then more', 'prefix', columns);
      // A tail wider than the screen, before or after: Ink rewrites the whole line.
      same('abcdefghij', 'abX', columns);
      same('abX', 'abcdefghij', columns);
      same(`ab${red('cdefghij')}`, `ab${red('X')}`, columns);
    }
    expect(answered).toBeGreaterThan(30); // the scan did answer, not only Ink's code
  });

  it("Titan's log rows with emoji and wide characters: answered here too", () => {
    answered = 0;
    const row = (n: number, tail: string) => `│${gray(` 12:00:0${n}.123 `)}📈 order ${n} filled 漢字 ${tail}│`;
    for (const columns of [5, 20, 40, 60, 80, 160]) {
      same(row(1, 'abc'), row(1, 'abd'), columns);
      same(row(1, 'abc'), row(2, 'abc'), columns);
      same(`${gray(' x ')}👍🏽 y`, `${gray(' x ')}👍🏿 y`, columns); // the tone differs: the cluster is repainted
      same('run 🏃\u200d♀\ufe0f a', 'run 🏃\u200d♂\ufe0f a', columns);
      same('flags 🇩🇪🇫🇷 a', 'flags 🇩🇪🇫🇷 b', columns);
      same('e\u0301 x', 'e\u0301 y', columns);
      // One line's cluster goes on past where the lines part, the other's ends there.
      for (const [a, b] of [
        ['ab👍🏽x', 'ab👍 x'],
        ['ab e\u0301x', 'ab ex'],
        ['abc👍🏽', 'abc👍'],
      ]) {
        same(a as string, b as string, columns);
        same(b as string, a as string, columns);
      }
    }
    expect(answered).toBe(72);
  });

  it('lines with controls, stray escapes or links: the whole line, as Ink writes them', () => {
    for (const [a, b] of [
      ['ab 漢字', 'ab 漢x'],
      ['ab 👍🏽 x', 'ab 👍🏽 y'],
      ['e\u0301 x', 'e\u0301 y'],
      ['ab\tc', 'ab\td'],
      ['ab\x1b[Kc', 'ab\x1b[Kd'],
      ['ab\x1b[3', 'ab\x1b[31mc'],
      ['ab\x1b]8;;https://x\x07l\x1b]8;;\x07 c', 'ab\x1b]8;;https://x\x07l\x1b]8;;\x07 d'],
      ['ab\x9b31mc', 'ab\x9b31md'],
      ['a\x1b\x1b[31mb', 'a\x1b\x1b[31mc'],
    ])
      for (const columns of [3, 10, 80]) same(a as string, b as string, columns);
  });

  it('a seeded random mix of 20,000 line pairs', () => {
    const next = seeded(11);
    const parts = [
      'a',
      'Z',
      ' ',
      '│',
      '─',
      'é',
      '●',
      '…',
      '\x1b[31m',
      '\x1b[39m',
      '\x1b[1;4m',
      '\x1b[m',
      '\x1b[38;5;208m',
      '漢',
      '👍',
      '\u0301',
      '\x1b',
      '[',
      'm',
      '3',
      ';',
      '\t',
      '📈',
      '🏽',
      '\u200d',
      '\ufe0f',
      '♀',
      '🇩',
      'क',
      '\u094d',
      '\u200b',
    ];
    const pick = (max: number) => Array.from({ length: next() % max }, () => parts[next() % parts.length]).join('');
    for (let n = 0; n < 20_000; n++) {
      const prefix = pick(12);
      same(prefix + pick(8), prefix + pick(8), [1, 5, 10, 20, 40][next() % 5]);
    }
  });
});
