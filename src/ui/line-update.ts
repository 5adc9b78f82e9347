/**
 * Ink's changed-line update (its `line-update.js`) without its allocations: the bundle calls this
 * first and falls back to Ink's own code when it answers undefined (scripts/bundle.mjs). Same string
 * out (test/unit/line-update.test.ts compares the two).
 *
 * Why: Ink writes a changed line by reusing its unchanged prefix on screen. To find it, it strips
 * the colour codes from both lines (two new strings), lists every code of the new one as a match
 * object, and cuts and measures both tails (two more strings, two width passes); a line with any
 * character outside the narrow set also goes whole through the grapheme segmenter, twice. Under a
 * log flood that ran for every line of every frame: the largest single allocator left on the UI
 * thread (bench/cockpit.bench.test.ts, BENCH_ALLOC_PROFILE). Here lines of narrow characters and
 * colour codes (every pane line, every log line) are read with one scan each, into scratch arrays;
 * lines with other characters (Titan's emoji) are segmented only around those (src/text/mixed-runs.ts).
 */
import { eachCluster, isControlUnit } from '../text/mixed-runs.js';
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
function recordCode(at: number, length: number): void {
  if (codes === codeAt.length) {
    const grownAt = new Int32Array(codes * 2);
    const grownLength = new Int32Array(codes * 2);
    grownAt.set(codeAt);
    grownLength.set(codeLength);
    codeAt = grownAt;
    codeLength = grownLength;
  }
  codeAt[codes] = at;
  codeLength[codes] = length;
  codes++;
}
function narrowTextLength(s: string, narrow: RegExp, record: boolean): number {
  let text = 0;
  if (record) codes = 0;
  for (let i = 0; i < s.length; i++) {
    const length = sgrLengthAt(s, i);
    if (length > 0) {
      if (record) recordCode(i, length);
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

/**
 * A line's text without its colour codes (the new line's codes noted with `record`), or null when
 * it holds a control character or another escape: Ink then writes the whole line.
 */
function textOf(s: string, record: boolean): string | null {
  if (record) codes = 0;
  let text = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x1b) {
      const length = sgrLengthAt(s, i);
      if (length === 0) return null;
      if (record) recordCode(i, length);
      text += s.slice(from, i);
      i += length - 1;
      from = i + 1;
    } else if (isControlUnit(c)) {
      return null;
    }
  }
  return from === 0 ? s : text + s.slice(from);
}

/**
 * What walk() found in a text: its columns; the last grapheme cluster starting before the limit
 * (where, and its column); whether one starts at the limit (the end counts), and its column.
 */
let walkWidth = 0;
let walkLast = 0;
let walkLastColumn = 0;
let walkAtLimit = false;
let walkLimitColumn = 0;
function walk(t: string, limit: number): void {
  let column = 0;
  walkLast = 0;
  walkLastColumn = 0;
  walkAtLimit = false;
  walkLimitColumn = 0;
  // textOf() let no escape or control character through: the whole text is read.
  eachCluster(t, (at, width) => {
    if (at < limit) {
      walkLast = at;
      walkLastColumn = column;
    } else if (at === limit) {
      walkAtLimit = true;
      walkLimitColumn = column;
    }
    column += width;
  });
  if (t.length === limit) {
    walkAtLimit = true;
    walkLimitColumn = column;
  }
  walkWidth = column;
}

/** The line rewritten whole: from column 0, the rest of the row erased first. */
const wholeLine = (next: string, escapes: Escapes): string => escapes.cursorTo(0) + escapes.eraseEndLine + next;

/**
 * What Ink's lineUpdate(previous, next, columns) returns; undefined only for a missing or bad column
 * count, which Ink's own code then handles. `narrow` is the build's narrow-string pattern (what the
 * bundle's Ink uses for its ASCII shortcut).
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
  const previousLength = narrowTextLength(previous, narrow, false);
  const nextLength = previousLength < 0 ? -1 : narrowTextLength(next, narrow, true);
  if (previousLength >= 0 && nextLength >= 0) {
    // Narrow text: one column per character.
    const textLimit = limitOf(common);
    return update(next, common, textLimit, textLimit, previousLength - textLimit, nextLength - textLimit, columns, escapes);
  }
  // Other characters: the grapheme clusters Ink's segmenter finds, read only around them.
  const previousText = textOf(previous, false);
  const nextText = previousText === null ? null : textOf(next, true);
  if (previousText === null || nextText === null) return wholeLine(next, escapes);
  const textLimit = limitOf(common);
  walk(previousText, textLimit);
  const previousWidth = walkWidth;
  const previousAtLimit = walkAtLimit;
  walk(nextText, textLimit);
  // The clusters both lines share: up to the limit when both have one starting there, else up to
  // the last one starting before it (the one crossing or ending at the limit may differ).
  const both = walkAtLimit && previousAtLimit;
  const textLength = both ? textLimit : walkLast;
  const column = both ? walkLimitColumn : walkLastColumn;
  return update(next, common, textLength, column, previousWidth - column, walkWidth - column, columns, escapes);
}

/** Where the text both lines share ends: a difference inside a colour code repaints from before that code. */
function limitOf(common: number): number {
  let textLimit = common;
  for (let k = 0; k < codes; k++) {
    const at = codeAt[k] as number;
    if (at >= common) break;
    textLimit -= Math.min(codeLength[k] as number, common - at);
  }
  return textLimit;
}

/**
 * Ink's partial write: from `column`, the new line's text after `textLength` characters with the
 * colour codes before it replayed, when both lines' rest fits the row; the whole line otherwise, or
 * when that is shorter.
 */
function update(
  next: string,
  common: number,
  textLength: number,
  column: number,
  previousRest: number,
  nextRest: number,
  columns: number,
  escapes: Escapes,
): string {
  if (column === 0 || column >= columns || column + Math.max(0, previousRest) > columns || column + Math.max(0, nextRest) > columns) {
    return wholeLine(next, escapes);
  }
  let offset = textLength;
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
