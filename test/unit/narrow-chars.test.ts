import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { seeded } from '../helpers/seeded.js';
// @ts-expect-error: a build script (plain .mjs, no types)
import { narrowRanges, narrowStringPattern } from '../../scripts/narrow-chars.mjs';
import { sanitizeKeeps } from '../../src/text/sanitize-keeps.js';

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
    const next = seeded(7);
    for (let n = 0; n < 3000; n++) {
      const s = Array.from({ length: 1 + (next() % 40) }, () => chars[next() % chars.length]).join('');
      expect(stringWidth(s), JSON.stringify(s)).toBe(s.length);
    }
  });
});

/**
 * The bundle returns a text from Ink's sanitizer as it is when src/text/sanitize-keeps.ts says Ink
 * would give it back unchanged. Ink's own sanitizer must agree on every text that answer covers.
 */
describe("Ink's sanitizer gives back unchanged what the bundle's shortcut returns as it is", async () => {
  const inkDir = dirname(fileURLToPath(import.meta.resolve('ink')));
  const sanitizeAnsi = (await import(pathToFileURL(join(inkDir, 'sanitize-ansi.js')).href)).default as (t: string) => string;
  const chars = (narrowRanges() as Array<[number, number]>).flatMap(([a, b]) =>
    Array.from({ length: b - a + 1 }, (_, i) => String.fromCodePoint(a + i)),
  );
  const sgr = ['\x1b[m', '\x1b[0m', '\x1b[31m', '\x1b[39m', '\x1b[1;3;90m', '\x1b[38;5;208m', '\x1b[38;2;1;2;3m', '\x1b[;m', '\n'];
  // What Ink changes, and what it leaves: marks, joiners, emoji, tabs, controls, other escapes.
  const others = [
    '\u0301',
    '\u0302',
    '\u200d',
    '\ufe0f',
    '📈',
    '👍🏽',
    '漢',
    '\t',
    '\x07',
    '\x7f',
    '\x9b',
    '\x1b[2J',
    '\x1b]0;t\x07',
    '\x1b[38:5:1m',
    '\x1b',
    'क\u094d',
  ];

  it('narrow characters and colour codes: always taken (3,000 random texts)', () => {
    const next = seeded(11);
    for (let n = 0; n < 3000; n++) {
      const parts = Array.from({ length: 1 + (next() % 30) }, () =>
        next() % 4 === 0 ? (sgr[next() % sgr.length] as string) : (chars[next() % chars.length] as string),
      );
      const text = parts.join('');
      expect(sanitizeKeeps(text), JSON.stringify(text)).toBe(true);
      expect(sanitizeAnsi(text), JSON.stringify(text)).toBe(text);
    }
  });

  it('with marks, emoji, tabs, controls and other escapes mixed in: Ink agrees whenever it is taken (5,000 texts)', () => {
    const next = seeded(12);
    let taken = 0;
    for (let n = 0; n < 5000; n++) {
      const parts = Array.from({ length: 1 + (next() % 12) }, () => {
        const r = next() % 6;
        const pool = r < 2 ? sgr : r < 4 ? others : chars;
        return pool[next() % pool.length] as string;
      });
      const text = parts.join('');
      if (!sanitizeKeeps(text)) continue;
      taken++;
      expect(sanitizeAnsi(text), JSON.stringify(text)).toBe(text);
    }
    expect(taken).toBeGreaterThan(500);
  });

  it('and takes nothing Ink changes: other escapes, controls, a mark after a colour code, colon parameters', () => {
    for (const t of [
      '\x1b[2Jclear',
      'a\x1b]0;title\x07',
      'e\x1b[31m\u0301',
      '\x1b[38:5:1mcolon',
      'bell\x07',
      '\x9b31m',
      'del\x7f',
      'esc\x1b',
    ])
      expect(sanitizeKeeps(t), JSON.stringify(t)).toBe(false);
    for (const t of ['📈 up \x1b[31m漢字\x1b[39m', 'tab\there', 'e\u0301 mark after a letter', '\x1b[31mred\x1b[39m\n👍🏽'])
      expect(sanitizeKeeps(t), JSON.stringify(t)).toBe(true);
  });
});
