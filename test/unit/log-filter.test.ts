/**
 * The log filter runs in linear time: patterns that backtrack for hours in JavaScript's RegExp
 * (and froze the whole cockpit) finish promptly on long lines; what RE2 cannot run is refused with
 * words an operator can act on.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { compileFilter, explain, MAX_FILTER_CHARS, plainText } from '../../src/services/log-filter.js';
import type { LogLine } from '../../src/state/types.js';

const line = (text: string, seq = 1): LogLine => ({ seq, stream: 'stdout', level: '', text });

function filterOf(source: string) {
  const c = compileFilter(source);
  if (!c.ok || !c.filter) throw new Error(`expected a filter for ${source}: ${JSON.stringify(c)}`);
  return c.filter;
}

describe('log filter: catastrophic patterns finish promptly', () => {
  // Each of these backtracks exponentially in RegExp on the subject given (54 x's: hours).
  const cases: Array<[string, string]> = [
    ['(x+x+)+y', 'x'.repeat(54)],
    ['(a|aa)*b', 'a'.repeat(4000)],
    ['(.*a){20}', 'a'.repeat(4000)],
    ['(a*)*b', 'a'.repeat(4000)],
    ['^(([a-z])+.)+[A-Z]([a-z])+$', 'a'.repeat(4000)],
    ['(\\w+\\s?)*$', `${'word '.repeat(800)}!`],
    ['(x+x+)+y', 'x'.repeat(4000)],
  ];
  for (const [pattern, subject] of cases) {
    it(`${pattern} on ${subject.length} characters`, () => {
      const f = filterOf(pattern);
      const t = performance.now();
      f.test(line(subject));
      f.ranges(subject);
      const ms = performance.now() - t;
      // Measured ~1-20 ms; the bound only has to tell "linear" from "hours" on a loaded CI box.
      expect(ms).toBeLessThan(1000);
    });
  }

  it('a whole 5,000-line ring of 4,000-character lines, with the worst pattern, well under a few seconds', () => {
    const f = filterOf('(x+x+)+y');
    const lines = Array.from({ length: 5000 }, (_, i) => line('x'.repeat(4000), i));
    const t = performance.now();
    const hits = lines.filter((l) => f.test(l)).length;
    const ms = performance.now() - t;
    console.log(`(x+x+)+y over 5,000 × 4,000 characters: ${ms.toFixed(0)} ms`);
    expect(hits).toBe(0);
    expect(ms).toBeLessThan(10_000);
  });
});

describe('log filter: one predicate, one text', () => {
  it('matches the line without its colour codes (what the pane shows), case-insensitively', () => {
    const coloured = line('\x1b[31mred\x1b[0m kept');
    expect(plainText(coloured)).toBe('red kept');
    expect(filterOf('red kept').test(coloured)).toBe(true);
    expect(filterOf('RED KEPT').test(coloured)).toBe(true);
    expect(filterOf('31m').test(coloured)).toBe(false); // the codes are not text
  });

  it('caches per line and per pattern: the same source gives the same filter', () => {
    expect(filterOf('err')).toBe(filterOf('err'));
    const l = line('error here');
    const f = filterOf('error');
    expect(f.test(l)).toBe(true);
    expect(f.test(l)).toBe(true);
  });

  it('ranges are the non-empty matches, in UTF-16 offsets, bounded', () => {
    const f = filterOf('b+|');
    const s = '📈 abBc 📊 bb';
    expect(f.ranges(s)).toEqual([
      [4, 6],
      [11, 13],
    ]);
    expect(filterOf('.').ranges('x'.repeat(4000)).length).toBe(64);
  });

  it("'' is no filter", () => {
    expect(compileFilter('')).toEqual({ ok: true, filter: null });
  });
});

describe('log filter: refusals an operator can read', () => {
  const error = (source: string) => {
    const c = compileFilter(source);
    return c.ok ? null : c.error;
  };
  it('syntax RE2 does not run in linear time, and plain mistakes', () => {
    expect(error('(?=a)b')).toMatch(
      /^invalid filter: lookahead and lookbehind \(\(\?=\) are not supported: the filter runs in linear time$/,
    );
    expect(error('(?<=a)b')).toMatch(/lookahead and lookbehind/);
    expect(error('(a)\\1')).toMatch(/^invalid filter: backreferences \(\\1\) are not supported/);
    expect(error('x{1001}')).toMatch(/repeat count too large/);
    expect(error('((a{100}){100}){100}')).toMatch(/repeat count too large/);
    expect(error('err(')).toBe('invalid filter: missing closing ): `err(`');
    expect(error('[')).toMatch(/^invalid filter: missing closing \]/);
    expect(error('x'.repeat(MAX_FILTER_CHARS + 1))).toMatch(/filter too long/);
    for (const bad of ['(?=a)b', 'err(', '[', '(a)\\1']) expect(error(bad)).not.toMatch(/\n|\bat \w+ \(/); // one line, no stack
  });

  it('explain() never throws on odd input', () => {
    expect(explain('plain string')).toBe('plain string');
    expect(explain(new Error('error parsing regexp: \x1b[2Jboom'))).toBe('[2Jboom');
  });
});
