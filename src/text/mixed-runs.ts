/**
 * Reading text that is mostly narrow characters with a few others (Titan's log lines: text with an
 * emoji or two) without putting all of it through Intl.Segmenter: the screen buffer
 * (src/ui/ink-output.ts), the changed-line update (src/ui/line-update.ts) and the log rows' cut
 * (src/components/log-row.ts) read it this way. string-width's own shortcut
 * (src/text/mixed-width.ts) follows the same rule but lives inside string-width, which this module
 * calls, so it keeps its own copy.
 *
 * A narrow character is its own grapheme cluster beside any other narrow one (src/text/narrow.ts
 * checks each against the installed string-width and the segmenter), and a newline or an escape
 * character is one beside anything. But a narrow character may join a neighbour of another kind (a
 * keycap digit, a symbol and its emoji selector, a pictograph after a joiner, a consonant before a
 * virama). So a run of other characters is read with the segmenter together with the narrow
 * character before it and the narrow characters after it, up to one followed by a narrow one, a
 * newline, an escape or the end: every cut the segmenter makes there is one it makes in the whole.
 */
import stringWidth from 'string-width';
import { isNarrowAlone } from './narrow.js';

/**
 * Code units that are one cell and their own grapheme whatever their neighbours: printable ASCII,
 * and, checked once each, the box, block and punctuation characters panes draw with. 0: not known
 * yet, 1: yes, 2: no.
 */
const narrow = new Uint8Array(0x3000);
for (let c = 0x20; c < 0x7f; c++) narrow[c] = 1;
export function isNarrowUnit(c: number): boolean {
  if (c >= 0x3000 || (c >= 0xd800 && c <= 0xdfff)) return false;
  let k = narrow[c];
  if (k === 0) {
    k = c >= 0xa0 && isNarrowAlone(String.fromCharCode(c)) ? 1 : 2;
    narrow[c] = k;
  }
  return k === 1;
}

/** C0 and C1 control characters (a C1 one starts an escape sequence for some readers). */
export const isControlUnit = (c: number): boolean => c < 0x20 || (c >= 0x7f && c < 0xa0);

/**
 * Where the part that reads the run of other characters starting at `i` ends (exclusive): past the
 * narrow characters that may join it. -1 when a control character comes first (other than a newline
 * or an escape, which end the part).
 */
export function partEnd(text: string, i: number): number {
  if (isControlUnit(text.charCodeAt(i))) return -1;
  let to = i + 1;
  while (to < text.length) {
    const d = text.charCodeAt(to);
    if (d === 0x1b || d === 0x0a) break;
    if (isControlUnit(d)) return -1;
    to++;
    if (isNarrowUnit(d)) {
      const after = to < text.length ? text.charCodeAt(to) : 0x0a;
      if (after === 0x1b || after === 0x0a || isNarrowUnit(after)) break;
    }
  }
  return to;
}

/** A part's grapheme clusters and the columns each takes (string-width's measure). */
export interface Clusters {
  vals: string[];
  wid: number[];
}

/**
 * The clusters of short parts already read: a log repeats the same few emoji. Parts of up to 12
 * UTF-16 units only (V8 copies a slice that short, so no key keeps its line alive); emptied when full.
 */
const segmenter = new Intl.Segmenter();
let cached = new Map<string, Clusters>();
const MAX_CACHED_PART = 12;
const MAX_PARTS = 2048;

/** A part's grapheme clusters, as Intl.Segmenter cuts them. */
export function clustersOf(part: string): Clusters {
  const cacheable = part.length <= MAX_CACHED_PART;
  let entry = cacheable ? cached.get(part) : undefined;
  if (entry === undefined) {
    entry = { vals: [], wid: [] };
    for (const { segment } of segmenter.segment(part)) {
      entry.vals.push(segment);
      entry.wid.push(stringWidth(segment));
    }
    if (cacheable) {
      if (cached.size >= MAX_PARTS) cached = new Map();
      cached.set(part, entry);
    }
  }
  return entry;
}

/**
 * Calls visit(start, columns) for each grapheme cluster of `text`, in order, reading it as above.
 * False (and stops) when the text holds an escape or a control character, newlines included: the
 * callers leave such text to other code.
 */
export function eachCluster(text: string, visit: (start: number, columns: number) => void): boolean {
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    const narrowHere = isNarrowUnit(c);
    // A narrow character followed by a narrow one (or by the end) is a cluster of its own.
    if (narrowHere && (i + 1 === text.length || isNarrowUnit(text.charCodeAt(i + 1)))) {
      visit(i, 1);
      i++;
      continue;
    }
    if (c === 0x1b || isControlUnit(c)) return false;
    // A run of other characters, read with the narrow character before it.
    const to = partEnd(text, narrowHere ? i + 1 : i);
    if (to < 0) return false;
    const part = clustersOf(text.slice(i, to));
    let at = i;
    for (let k = 0; k < part.vals.length; k++) {
      visit(at, part.wid[k] as number);
      at += (part.vals[k] as string).length;
    }
    i = to;
  }
  return true;
}
