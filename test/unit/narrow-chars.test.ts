import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { seeded } from '../helpers/seeded.js';
// @ts-expect-error: a build script (plain .mjs, no types)
import { narrowRanges, narrowStringPattern, SGR_OR_NEWLINE } from '../../scripts/narrow-chars.mjs';

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
 * The bundle returns a text from Ink's sanitizer as it is when, SGR sequences and newlines set aside,
 * it is narrow characters only (scripts/bundle.mjs). Ink's own sanitizer must agree: such texts come
 * out of it unchanged.
 */
describe("Ink's sanitizer leaves narrow text with SGR unchanged (the bundle's shortcut)", async () => {
  const inkDir = dirname(fileURLToPath(import.meta.resolve('ink')));
  const sanitizeAnsi = (await import(pathToFileURL(join(inkDir, 'sanitize-ansi.js')).href)).default as (t: string) => string;
  const narrow = new RegExp(narrowStringPattern(), 'u');
  const shortcut = (t: string) => narrow.test(t.replace(new RegExp(SGR_OR_NEWLINE, 'g'), ''));
  const chars = (narrowRanges() as Array<[number, number]>).flatMap(([a, b]) =>
    Array.from({ length: b - a + 1 }, (_, i) => String.fromCodePoint(a + i)),
  );
  const sgr = ['\x1b[m', '\x1b[0m', '\x1b[31m', '\x1b[39m', '\x1b[1;3;90m', '\x1b[38;5;208m', '\x1b[38;2;1;2;3m', '\x1b[;m', '\n'];

  it('for 3,000 random texts of them', () => {
    const next = seeded(11);
    for (let n = 0; n < 3000; n++) {
      const parts = Array.from({ length: 1 + (next() % 30) }, () =>
        next() % 4 === 0 ? (sgr[next() % sgr.length] as string) : (chars[next() % chars.length] as string),
      );
      const text = parts.join('');
      expect(shortcut(text), JSON.stringify(text)).toBe(true);
      expect(sanitizeAnsi(text), JSON.stringify(text)).toBe(text);
    }
  });

  it('and takes nothing else: other escapes, controls, tabs, marks, colon parameters', () => {
    for (const t of ['\x1b[2Jclear', 'a\x1b]0;title\x07', 'tab\t', 'e\x1b[31m\u0301', '\x1b[38:5:1mcolon', 'bell\x07', '\x9b31m'])
      expect(shortcut(t), JSON.stringify(t)).toBe(false);
  });
});
