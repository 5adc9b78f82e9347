import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { mixedWidth } from '../../src/text/mixed-width.js';
import { seeded } from '../helpers/seeded.js';
// @ts-expect-error: a build script (plain .mjs, no types)
import { narrowStringPattern } from '../../scripts/narrow-chars.mjs';

/** As the bundle builds it from the narrow set (scripts/bundle.mjs). */
const nonNarrowRun = new RegExp(`[^${(narrowStringPattern() as string).slice(2, -3)}]+`, 'gu');
const measure = (s: string) => mixedWidth(s, nonNarrowRun, (part) => stringWidth(part));

describe('mixedWidth: string-width measured only around what is not narrow', () => {
  it("Titan's log lines: the same width as string-width, and only the parts around the emoji measured in full", () => {
    const parts: string[] = [];
    const line = '20:31:27.053 WARN  ⚠️ Heartbeat STALE (1330ms). Treating as DEFENSIVE. 🚀 ok';
    const measured = mixedWidth(line, nonNarrowRun, (p) => {
      parts.push(p);
      return stringWidth(p);
    });
    expect(measured).toBe(stringWidth(line));
    expect(parts).toEqual(['⚠️ ', ' 🚀 ']); // ⚠ is narrow: its selector joins it
  });

  it('the hard neighbours: keycaps, selectors, joiners to narrow pictographs, marks, Hangul, flags, CJK', () => {
    for (const s of [
      '1\u20e3 and #\ufe0f\u20e3',
      '☺\ufe0f ✌\ufe0f ⚠\ufe0f!',
      '🏳\ufe0f\u200d⚧\ufe0f flag',
      '👨\u200d👩\u200d👧 family 👍🏽',
      'e\u0301 a\u0308\u0323 x',
      '\u1100\u1161\u11a8 한국 ᄀ',
      '🇫🇷🇩🇪x',
      '日本語のログ: 注文 accepted',
      '\u06001 \u0d4ea',
      '\u200b\u00ad\ufeff',
      'a\u200db',
      '\ud83d x \udc00',
      '😀',
      '😀x😀',
      'x😀😀x',
    ])
      expect(measure(s), JSON.stringify(s)).toBe(stringWidth(s));
  });

  it('equals string-width on 20,000 random mixes of narrow and other characters', () => {
    const next = seeded(11);
    const narrow = ['a', ' ', '1', '#', '*', 'é', '─', '│', '●', '✓', '…', '⚧', '☀', '☺', '✌', '⚠', '↔', '·'];
    const other = [
      '\ufe0f',
      '\ufe0e',
      '\u200d',
      '\u20e3',
      '\u0301',
      '\u0308',
      '😀',
      '🏳',
      '👍',
      '🏽',
      '🇫',
      '🇷',
      '日',
      'ｶ',
      'ﾞ',
      '\u1100',
      '\u1161',
      '\u11a8',
      '\u0600',
      '\u0d4e',
      '\u0e33',
      '\u093f',
      '\u200b',
      '\t',
      '\u0007',
      '\ud83d',
      '\u00ad',
    ];
    for (let n = 0; n < 20_000; n++) {
      const len = 1 + (next() % 24);
      let s = '';
      for (let i = 0; i < len; i++) {
        const pool = next() % 3 === 0 ? other : narrow;
        s += pool[next() % pool.length];
      }
      expect(measure(s), JSON.stringify(s)).toBe(stringWidth(s));
    }
  });
});
