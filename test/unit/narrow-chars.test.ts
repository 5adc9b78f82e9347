import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script (plain .mjs, no types)
import { narrowRanges, narrowStringPattern } from '../../scripts/narrow-chars.mjs';

/** The bundle's width shortcut (scripts/bundle.mjs) is right only if string-width agrees with it. */
describe('narrow characters (the width shortcut for borders and markers)', () => {
  const ranges = narrowRanges() as Array<[number, number]>;
  const chars = ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => String.fromCodePoint(a + i)));
  const narrow = new RegExp(narrowStringPattern(), 'u');

  it('covers what the cockpit draws with: ASCII, borders, badges, markers', () => {
    for (const s of ['plain ASCII ~', '┌─┐│└┘├┤╭╮╰╯', '● ✕ ◌ ↑ ↓ ⏭ · … ✓ ✗ ▸ ⚠', 'é ü ß']) expect(narrow.test(s), s).toBe(true);
  });

  it('leaves out what is wide, joins or has no width', () => {
    for (const s of ['⌚', '😀', '日本', 'e\u0301', '\u00ad', '\u200d', '\u001b[31m', '\t', 'a\ufe0f'])
      expect(narrow.test(s), s).toBe(false);
  });

  it('any string of them is as wide as it is long, by string-width itself', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let n = 0; n < 3000; n++) {
      const s = Array.from({ length: 1 + (next() % 40) }, () => chars[next() % chars.length]).join('');
      expect(stringWidth(s), JSON.stringify(s)).toBe(s.length);
    }
  });
});
