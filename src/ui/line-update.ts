/**
 * Ink's changed-line update (its `line-update.js`) for the common case, without its allocations: the
 * bundle calls this first and falls back to Ink's own code when it answers undefined
 * (scripts/bundle.mjs). Same string out (test/unit/line-update.test.ts compares the two).
 *
 * Why: Ink writes a changed line by reusing its unchanged prefix on screen. To find it, it strips
 * the colour codes from both lines (two new strings), lists every code of the new one as a match
 * object, and cuts and measures both tails (two more strings, two width passes). Under a log flood
 * that ran for every line of every frame: the largest single allocator left on the UI thread
 * (bench/cockpit.bench.test.ts, BENCH_ALLOC_PROFILE). Here lines of narrow characters and colour
 * codes (every pane line, every log line) are read with one scan each, into scratch arrays.
 */
import { sgrLengthAt } from '../text/sgr.js';

interface Escapes {
  cursorTo(x: number): string;
  eraseEndLine: string;
}

/** Where each colour code (ESC [ digits/semicolons m) of the new line starts, and its length. */
let codeAt = new Int32Array(64);
let codeLength = new Int32Array(64);

/** Code units < 0x2800 known to be in the build's narrow set: 0 not known yet, 1 yes, 2 no. */
const narrowKnown = new Uint8Array(0x2800);

/**
 * The characters of `s` outside colour codes, when all of them are narrow (one column each, their
 * own grapheme): then the line is as wide as that count. -1 otherwise (a control character, an
 * escape that is not a colour code, anything wider or joining). With `record`, the new line's codes
 * are noted in the scratch arrays; their count is then in `codes`.
 */
let codes = 0;
function narrowTextLength(s: string, narrow: RegExp, record: boolean): number {
  let text = 0;
  if (record) codes = 0;
  for (let i = 0; i < s.length; i++) {
    const length = sgrLengthAt(s, i);
    if (length > 0) {
      if (record) {
        if (codes === codeAt.length) {
          const at = new Int32Array(codes * 2);
          const len = new Int32Array(codes * 2);
          at.set(codeAt);
          len.set(codeLength);
          codeAt = at;
          codeLength = len;
        }
        codeAt[codes] = i;
        codeLength[codes] = length;
        codes++;
      }
      i += length - 1;
      continue;
    }
    const c = s.charCodeAt(i);
    if (c >= 0x2800) return -1;
    let known = narrowKnown[c];
    if (known === 0) {
      known = narrow.test(String.fromCharCode(c)) ? 1 : 2;
      narrowKnown[c] = known;
    }
    if (known !== 1) return -1;
    text++;
  }
  return text;
}

/** The line rewritten whole: from column 0, the rest of the row erased first. */
const wholeLine = (next: string, escapes: Escapes): string => escapes.cursorTo(0) + escapes.eraseEndLine + next;

/**
 * What Ink's lineUpdate(previous, next, columns) returns, for two lines whose text (colour codes
 * aside) is narrow; undefined for anything else, which Ink's own code then handles. `narrow` is the
 * build's narrow-string pattern (what the bundle's Ink uses for its ASCII shortcut).
 */
export function narrowLineUpdate(
  previous: string,
  next: string,
  columns: number | undefined,
  narrow: RegExp,
  escapes: Escapes,
): string | undefined {
  if (columns === undefined || Number.isNaN(columns) || columns < 1) return undefined;
  let common = 0;
  while (common < previous.length && common < next.length && previous.charCodeAt(common) === next.charCodeAt(common)) common++;
  if (common === 0) return wholeLine(next, escapes);
  const previousText = narrowTextLength(previous, narrow, false);
  if (previousText < 0) return undefined;
  const nextText = narrowTextLength(next, narrow, true);
  if (nextText < 0) return undefined;
  // A difference inside a colour code repaints from before that code.
  let textLimit = common;
  for (let k = 0; k < codes; k++) {
    const at = codeAt[k] as number;
    if (at >= common) break;
    textLimit -= Math.min(codeLength[k] as number, common - at);
  }
  // Narrow text: one column per character.
  const column = textLimit;
  if (
    column === 0 ||
    column >= columns ||
    column + Math.max(0, previousText - textLimit) > columns ||
    column + Math.max(0, nextText - textLimit) > columns
  ) {
    return wholeLine(next, escapes);
  }
  let offset = textLimit;
  let styles = '';
  for (let k = 0; k < codes; k++) {
    const at = codeAt[k] as number;
    const length = codeLength[k] as number;
    if (at > offset || at + length > common) break;
    offset += length;
    styles += next.slice(at, at + length);
  }
  const partial = escapes.cursorTo(column) + escapes.eraseEndLine + styles + next.slice(offset);
  const whole = wholeLine(next, escapes);
  return partial.length < whole.length ? partial : whole;
}
