// The characters a terminal cell holds one of each, without joining their neighbours, by the
// installed string-width's own rules: printable ASCII, and the Latin, punctuation, arrow, box,
// block and shape characters the cockpit draws with (borders, badges, markers). A string made of
// them only is as wide as it is long, so string-width and Ink's line diff may skip the grapheme
// segmenter and the emoji regexes for it (scripts/bundle.mjs). Checked against string-width itself
// character by character, so an update of it can only shrink the set, never make a width wrong.
import { isNarrowAlone } from '../src/text/narrow.ts';

/** Candidate blocks (inclusive code point ranges). */
const CANDIDATES = [
  [0x20, 0x7e],
  [0xa0, 0x24f], // Latin-1 supplement, Latin extended A and B
  [0x2010, 0x205e], // general punctuation (dashes, quotes, bullets, ellipsis)
  [0x2190, 0x23ff], // arrows, mathematical operators, miscellaneous technical
  [0x2500, 0x27bf], // box drawing, blocks, geometric shapes, symbols, dingbats
];

/** The code points, as inclusive ranges. */
export function narrowRanges() {
  const ranges = [];
  for (const [from, to] of CANDIDATES) {
    for (let cp = from; cp <= to; cp++) {
      if (!isNarrowAlone(String.fromCodePoint(cp))) continue;
      const last = ranges.at(-1);
      if (last && last[1] === cp - 1) last[1] = cp;
      else ranges.push([cp, cp]);
    }
  }
  return ranges;
}

const hex = (cp) => `\\u${cp.toString(16).padStart(4, '0')}`;

/** A regular-expression source matching a whole string of such characters: `^[…]*$`. */
export function narrowStringPattern() {
  return `^[${narrowRanges()
    .map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`))
    .join('')}]*$`;
}
