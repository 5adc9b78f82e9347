/**
 * The width of a string that is mostly narrow characters with some that are not (Titan's log lines:
 * text with an emoji or two), by measuring only the parts around the others. string-width measures
 * a string as the sum of its grapheme clusters' widths, each on its own, so cutting the string where
 * clusters begin changes nothing. A narrow character (scripts/narrow-chars.mjs) is its own cluster
 * beside any other narrow one (src/text/narrow.ts checks it against the installed string-width and
 * Intl.Segmenter), but it may join a wide neighbour: a keycap digit, a symbol and its emoji selector,
 * a pictograph after a joiner. So each run of other characters is measured with one narrow character
 * on each side, and runs that close are measured as one: every cut then falls between two narrow
 * characters, where a cluster always begins. Everything else counts one column per character.
 * Erasable TypeScript only: the bundle imports the built file into string-width (scripts/bundle.mjs).
 */

/**
 * Widths of short parts already measured: a log repeats the same few emoji, and measuring one in full
 * (the grapheme segmenter, then a `\p{RGI_Emoji}` test) was most of a frame's cost under a flood of
 * Titan's lines. Only parts shorter than 13 UTF-16 units: V8 copies a slice that short, so a key never
 * keeps the string it was cut from alive. Emptied when full.
 */
const partWidths = new Map<string, number>();
const MAX_CACHED_PART = 12;
const MAX_PARTS = 2048;

function partWidth(part: string, slowWidth: (part: string) => number): number {
  if (part.length > MAX_CACHED_PART) return slowWidth(part);
  let w = partWidths.get(part);
  if (w === undefined) {
    w = slowWidth(part);
    if (partWidths.size >= MAX_PARTS) partWidths.clear();
    partWidths.set(part, w);
  }
  return w;
}

/**
 * @param nonNarrowRun a global, unicode RegExp matching a run of characters outside the narrow set
 * @param slowWidth the full measure (string-width's own, with the default options: the cache assumes
 *   one measure), called on each part that needs it
 */
export function mixedWidth(s: string, nonNarrowRun: RegExp, slowWidth: (part: string) => number): number {
  let width = 0;
  /** s[0, done) is counted. */
  let done = 0;
  nonNarrowRun.lastIndex = 0;
  let run = nonNarrowRun.exec(s);
  while (run !== null) {
    // Narrow characters are one UTF-16 unit each: the one before the run starts its part.
    const start = Math.max(done, run.index - 1);
    width += start - done;
    let end = run.index + run[0].length;
    run = nonNarrowRun.exec(s);
    // One narrow character between two runs: both in one part (the cut would not be between narrow ones).
    while (run !== null && run.index === end + 1) {
      end = run.index + run[0].length;
      run = nonNarrowRun.exec(s);
    }
    if (end < s.length) end += 1; // the narrow character after the run
    width += partWidth(s.slice(start, end), slowWidth);
    done = end;
  }
  return width + (s.length - done);
}
