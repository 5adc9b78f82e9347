/**
 * Ink's screen buffer (its `output.js`), rebuilt to allocate per line instead of per character. The
 * bundle uses it in Ink's place (scripts/bundle.mjs); what it writes is Ink's, byte for byte
 * (test/unit/ink-output.test.ts compares the two on the cockpit's screens and on hostile text).
 *
 * Why: Ink turns every character of every write into an object (its styles an array), each frame,
 * and joins the grid of those back into strings. Under a log flood that was 60 % of all the UI
 * thread allocated and a third of its time (bench/cockpit.bench.test.ts, BENCH_ALLOC_PROFILE). Here
 * a cell is a string and a style number in two arrays per row: a style is interned once, a text's
 * cells are cached, and lines of narrow characters and colour codes (every pane line, every log
 * line) are read with one scan, without the grapheme segmenter.
 *
 * One difference, on purpose: cells left of column 0 are not kept (Ink kept them as stray array
 * properties that never reach the screen).
 */
import {
  type AnsiCode,
  ansiCodesToString,
  diffAnsiCodes,
  reduceAnsiCodesIncremental,
  styledCharsFromTokens,
  tokenize,
} from '@alcalzone/ansi-tokenize';
import stringWidth from 'string-width';
import { clustersOf, isNarrowUnit as isNarrow, partEnd } from '../text/mixed-runs.js';
import { sgrLengthAt } from '../text/sgr.js';

type Transformer = (line: string, index: number) => string;
interface Clip {
  x1?: number;
  x2?: number;
  y1?: number;
  y2?: number;
}
type Operation =
  | { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] }
  | { type: 'clip'; clip: Clip }
  | { type: 'unclip' };

/** A text as terminal cells: each cell's characters, style number and width (null: all 1). */
interface Cells {
  vals: string[];
  sty: ArrayLike<number>;
  wid: number[] | null;
}

// ---- styles: each distinct set of active codes gets a number once; 0 is "no style" ----

let styleSets: AnsiCode[][] = [[]];
let styleIds = new Map<string, number>([['', 0]]);
const styleKey = (codes: AnsiCode[]): string => codes.map((c) => `${c.code}\u0000${c.endCode}`).join('\u0001');

function styleId(codes: AnsiCode[]): number {
  const key = styleKey(codes);
  let id = styleIds.get(key);
  if (id === undefined) {
    id = styleSets.length;
    styleSets.push(codes);
    styleIds.set(key, id);
  }
  return id;
}

/** The style after an SGR sequence, from the style before it (undefined: not one ansi-tokenize reads as codes only). */
const afterSgr = new Map<string, number | null>();
function styleAfter(from: number, sgr: string): number | undefined {
  const key = `${from}\u0000${sgr}`;
  let to = afterSgr.get(key);
  if (to === undefined) {
    const tokens = tokenize(sgr);
    let codes = styleSets[from] as AnsiCode[];
    to = tokens.every((t) => t.type === 'ansi') ? null : -1;
    if (to === null) {
      for (const t of tokens) codes = reduceAnsiCodesIncremental(codes, [t as AnsiCode]);
      to = styleId(codes);
    }
    if (afterSgr.size > 4096) afterSgr.clear();
    afterSgr.set(key, to);
  }
  return to === null || to < 0 ? undefined : to;
}

const opens = new Map<number, string>();
const transitions = new Map<number, string>();
/** What Ink's styledCharsToString writes before a first cell of style `to`, or between `from` and `to`. */
function styleCodes(from: number, to: number): string {
  if (from === -1) {
    let s = opens.get(to);
    if (s === undefined) {
      s = ansiCodesToString(styleSets[to] as AnsiCode[]);
      opens.set(to, s);
    }
    return s;
  }
  const key = from * 2 ** 24 + to;
  let s = transitions.get(key);
  if (s === undefined) {
    s = ansiCodesToString(diffAnsiCodes(styleSets[from] as AnsiCode[], styleSets[to] as AnsiCode[]));
    if (transitions.size > 8192) transitions.clear();
    transitions.set(key, s);
  }
  return s;
}

// ---- widths ----

/**
 * The caches below are bounded by the characters their keys hold, not by their count: one log
 * pane text is ~7,000 characters, new at each window of a flood, all day long.
 */
const CACHED_CHARS = 200_000;

let widths = new Map<string, number>();
let widthChars = 0;
function widthOf(text: string): number {
  let w = widths.get(text);
  if (w === undefined) {
    // Narrow characters are one column each, escape sequences none: no need for string-width's pass.
    const narrow = text.includes('\n') ? -1 : scanNarrowInto(text);
    w = narrow >= 0 ? narrow : stringWidth(text);
    if (widthChars > CACHED_CHARS) {
      widths = new Map();
      widthChars = 0;
    }
    widths.set(text, w);
    widthChars += text.length;
  }
  return w;
}

/** What Ink drops from a write: characters that are default-ignorable only (zero width, joiners). */
const ignorable = /^\p{Default_Ignorable_Code_Point}+$/u;

// ---- a text's cells ----

/**
 * One scan for narrow characters, newlines and SGR sequences into the scratch arrays below (a
 * frame's texts are scanned one after another, so one pair serves them all): the number of cells,
 * or -1 when anything else is in the text.
 */
let scanCodes = new Uint16Array(1024);
let scanSty = new Int32Array(1024);
function scanNarrowInto(text: string): number {
  if (scanCodes.length < text.length) {
    scanCodes = new Uint16Array(text.length * 2);
    scanSty = new Int32Array(text.length * 2);
  }
  let n = 0;
  let style = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x1b) {
      const length = sgrLengthAt(text, i);
      if (length === 0) return -1;
      const next = styleAfter(style, text.slice(i, i + length));
      if (next === undefined) return -1;
      style = next;
      i += length - 1;
    } else if (c === 0x0a || isNarrow(c)) {
      scanCodes[n] = c;
      scanSty[n] = style;
      n++;
    } else {
      return -1;
    }
  }
  return n;
}

/** One string per narrow code unit, made once: a cell's value without a new string per frame. */
const charStrings: string[] = [];
const charString = (c: number): string => (charStrings[c] ??= String.fromCharCode(c));

/** A narrow text's cells, or null when anything else is in it. */
function scanNarrow(text: string): Cells | null {
  const n = scanNarrowInto(text);
  if (n < 0) return null;
  const vals = new Array<string>(n);
  for (let i = 0; i < n; i++) vals[i] = charString(scanCodes[i] as number);
  return { vals, sty: scanSty.slice(0, n), wid: null };
}

// ---- texts of narrow characters with some others (Titan's log lines carry emoji) ----

/**
 * A text's cells when it holds characters outside the narrow set, read like a narrow one except
 * around them (src/text/mixed-runs.ts), or null when it holds control characters or escape
 * sequences other than colour codes. A run right after a colour code is read with the code's last
 * character, whose cluster Ink drops (it starts inside the code): a combining mark right after a
 * code is dropped with it. Ink also drops clusters of default-ignorable characters only.
 */
function scanMixed(text: string): Cells | null {
  const vals: string[] = [];
  const sty: number[] = [];
  const wid: number[] = [];
  let style = 0;
  /** Where the text after the last colour code or newline starts. */
  let runStart = 0;
  let afterCode = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x1b) {
      const length = sgrLengthAt(text, i);
      if (length === 0) return null;
      const next = styleAfter(style, text.slice(i, i + length));
      if (next === undefined) return null;
      style = next;
      i += length - 1;
      runStart = i + 1;
      afterCode = true;
      continue;
    }
    if (c === 0x0a) {
      vals.push('\n');
      sty.push(style);
      wid.push(0);
      runStart = i + 1;
      afterCode = false;
      continue;
    }
    if (isNarrow(c)) {
      vals.push(charString(c));
      sty.push(style);
      wid.push(1);
      continue;
    }
    const to = partEnd(text, i);
    if (to < 0) return null;
    // The narrow character before the run (already a cell) is read again with it.
    let from = i;
    if (i > runStart) {
      from = i - 1;
      vals.pop();
      sty.pop();
      wid.pop();
    }
    const skip = from === runStart && afterCode ? 1 : 0;
    const part = clustersOf(text.slice(from - skip, to));
    for (let k = skip; k < part.vals.length; k++) {
      const w = part.wid[k] as number;
      const value = part.vals[k] as string;
      if (ignorable.test(value)) continue;
      vals.push(value);
      sty.push(style);
      wid.push(w);
    }
    i = to - 1;
  }
  return { vals, sty, wid };
}

/** Ink's own reading (grapheme clusters, any escape sequence), for texts the scans do not take. */
function tokenizeCells(text: string): Cells {
  const vals: string[] = [];
  const sty: number[] = [];
  const wid: number[] = [];
  for (const ch of styledCharsFromTokens(tokenize(text))) {
    if (ignorable.test(ch.value)) continue;
    vals.push(ch.value);
    sty.push(styleId(ch.styles));
    wid.push(widthOf(ch.value));
  }
  return { vals, sty, wid };
}

let cellCache = new Map<string, Cells>();
let cachedChars = 0;
/** Cached: most texts of a frame were in the last one. Bounded by the characters held (~8 screens). */
function cellsOf(text: string): Cells {
  let cells = cellCache.get(text);
  if (cells === undefined) {
    cells = scanNarrow(text) ?? scanMixed(text) ?? tokenizeCells(text);
    if (cachedChars > 60_000) {
      cellCache = new Map();
      cachedChars = 0;
    }
    cellCache.set(text, cells);
    cachedChars += text.length;
  }
  return cells;
}

/**
 * Styles are numbered for as long as they are in use: a log with ever new colours (24-bit ones, say)
 * would otherwise grow the table for the whole day. Past MAX_STYLES the numbering starts over, with
 * every cache that holds numbers, between two frames.
 */
const MAX_STYLES = 4096;
function restartStylesIfFull(): void {
  if (styleSets.length <= MAX_STYLES) return;
  styleSets = [[]];
  styleIds = new Map([['', 0]]);
  afterSgr.clear();
  opens.clear();
  transitions.clear();
  cellCache = new Map();
  cachedChars = 0;
  lineCache = new Map();
  lineChars = 0;
}

/** How many styles are numbered now (tests). */
export const styleCount = (): number => styleSets.length;

/** The characters each cache holds now, and the code units of scratch kept between frames (tests). */
export const cacheSizes = (): { cells: number; lines: number; widths: number; scratch: number } => ({
  cells: cachedChars,
  lines: lineChars,
  widths: widthChars,
  scratch: scanCodes.length + built.length,
});

const cellWidth = (cells: Cells, i: number): number => (cells.wid ? (cells.wid[i] as number) : 1);

/** One huge text (a pasted blob, say) must not keep its size of scratch for the rest of the day. */
const SCRATCH_KEPT = 64 * 1024;
function releaseLargeScratch(): void {
  if (scanCodes.length > SCRATCH_KEPT) {
    scanCodes = new Uint16Array(1024);
    scanSty = new Int32Array(1024);
  }
  if (built.length > SCRATCH_KEPT) built = new Uint16Array(1024);
}

// ---- strings built from code units (one flat string per line, not a chain of concatenations) ----

let built = new Uint16Array(1024);
let builtLength = 0;
/** Room for `extra` more code units. */
function reserve(extra: number): void {
  const end = builtLength + extra;
  if (end > built.length) {
    const bigger = new Uint16Array(Math.max(end, built.length * 2));
    bigger.set(built.subarray(0, builtLength));
    built = bigger;
  }
}
function append(text: string): void {
  reserve(text.length);
  for (let i = 0; i < text.length; i++) built[builtLength++] = text.charCodeAt(i);
}
/** The string appended since the last take, and a fresh start. */
function take(): string {
  let out = '';
  // fromCharCode takes its code units as arguments: a few thousand at a time.
  for (let at = 0; at < builtLength; at += 4096) {
    out += String.fromCharCode.apply(null, built.subarray(at, Math.min(at + 4096, builtLength)) as unknown as number[]);
  }
  builtLength = 0;
  return out;
}

/** Cells from..to as a string, as Ink's styledCharsToString writes them. */
function cellsToString(vals: ArrayLike<string | undefined>, sty: ArrayLike<number>, from: number, to: number): string {
  builtLength = 0;
  let last = -1;
  for (let i = from; i < to; i++) {
    const v = vals[i];
    if (v === undefined) continue;
    const s = sty[i] as number;
    if (last === -1) append(styleCodes(-1, s));
    else if (s !== last) append(styleCodes(last, s));
    append(v);
    last = s;
  }
  if (last !== -1) append(styleCodes(last, 0));
  return take();
}

/** Scanned cells from..to (scanNarrowInto's scratch) as a string, as cellsToString writes them. */
function scannedToString(from: number, to: number): string {
  builtLength = 0;
  let last = -1;
  for (let i = from; i < to; i++) {
    const s = scanSty[i] as number;
    if (last === -1) append(styleCodes(-1, s));
    else if (s !== last) append(styleCodes(last, s));
    reserve(1);
    built[builtLength++] = scanCodes[i] as number;
    last = s;
  }
  if (last !== -1) append(styleCodes(last, 0));
  return take();
}

/**
 * A text's lines (styles carried across its newlines), each as Ink's styledCharsToString would write
 * it, and its widest line in columns.
 */
interface Lines {
  lines: string[];
  /** Columns of the widest line; worked out when a clip needs it. */
  widest?: number;
}
let lineCache = new Map<string, Lines>();
let lineChars = 0;
function linesOf(text: string): Lines {
  let entry = lineCache.get(text);
  if (entry === undefined) {
    if (text.includes('\n')) entry = splitLines(text);
    else {
      const cells = cellsOf(text);
      entry = { lines: [cellsToString(cells.vals, cells.sty, 0, cells.vals.length)] };
    }
    if (lineChars > CACHED_CHARS) {
      lineCache = new Map();
      lineChars = 0;
    }
    lineCache.set(text, entry);
    // The key and its lines: about twice the text.
    lineChars += 2 * text.length;
  }
  return entry;
}

/**
 * A text of several lines is read here only, to be cut into its lines (whose cells are cached when
 * they are drawn): keeping its own cells too held a copy of every log pane text until the cache
 * started over. A narrow one is cut straight from the scan, its widest line counted on the way.
 */
function splitLines(text: string): Lines {
  const lines: string[] = [];
  const n = scanNarrowInto(text);
  if (n >= 0) {
    let widest = 0;
    let start = 0;
    for (let i = 0; i <= n; i++) {
      if (i === n || scanCodes[i] === 0x0a) {
        lines.push(scannedToString(start, i));
        widest = Math.max(widest, i - start);
        start = i + 1;
      }
    }
    return { lines, widest };
  }
  const cells = scanMixed(text) ?? tokenizeCells(text);
  let start = 0;
  for (let i = 0; i <= cells.vals.length; i++) {
    if (i === cells.vals.length || cells.vals[i] === '\n') {
      lines.push(cellsToString(cells.vals, cells.sty, start, i));
      start = i + 1;
    }
  }
  return { lines };
}

/** A line cut to columns from..to; a wide character cut in half becomes a space with its styles. */
function sliceColumns(line: string, from: number, to: number): string {
  if (from >= to) return '';
  const cells = cellsOf(line);
  if (!cells.wid) {
    // One column per cell: the columns are the cells' own positions.
    if (from === 0 && to >= cells.vals.length) return line;
    return cellsToString(cells.vals, cells.sty, from, Math.min(to, cells.vals.length));
  }
  const vals: string[] = [];
  const sty: number[] = [];
  let column = 0;
  for (let i = 0; i < cells.vals.length; i++) {
    const width = cellWidth(cells, i);
    const start = column;
    column += width;
    if (column <= from) continue;
    if (start >= to) break;
    vals.push(width > 1 && (start < from || column > to) ? ' ' : (cells.vals[i] as string));
    sty.push(cells.sty[i] as number);
  }
  return cellsToString(vals, sty, 0, vals.length);
}

function widestLine(text: string): number {
  if (!text.includes('\n')) return widthOf(text);
  let widest = 0;
  for (const line of text.split('\n')) widest = Math.max(widest, widthOf(line));
  return widest;
}

const isClipEmpty = (c: Clip): boolean =>
  (c.x1 !== undefined && c.x2 !== undefined && c.x1 >= c.x2) || (c.y1 !== undefined && c.y2 !== undefined && c.y1 >= c.y2);
const bound = (a: number | undefined, b: number | undefined, tighter: (a: number, b: number) => number) =>
  a === undefined ? b : b === undefined ? a : tighter(a, b);
const intersect = (outer: Clip | undefined, inner: Clip): Clip =>
  outer
    ? {
        x1: bound(outer.x1, inner.x1, Math.max),
        x2: bound(outer.x2, inner.x2, Math.min),
        y1: bound(outer.y1, inner.y1, Math.max),
        y2: bound(outer.y2, inner.y2, Math.min),
      }
    : inner;

interface Row {
  vals: Array<string | undefined>;
  sty: number[];
}

/**
 * The grid, kept between frames and blanked for each: a frame's rows live only inside get(), and a
 * new grid per frame was a third of what a flood's frames allocated.
 */
let grid: Row[] = [];
let gridWidth = -1;
function blankRows(width: number, height: number): Row[] {
  if (width !== gridWidth) {
    grid = [];
    gridWidth = width;
  }
  while (grid.length < height) grid.push({ vals: new Array<string>(width).fill(' '), sty: new Array<number>(width).fill(0) });
  if (grid.length > height) grid.length = height;
  for (const row of grid) {
    // A write past the right edge lengthened the row (as Ink's rows do): back to the width first.
    row.vals.length = width;
    row.sty.length = width;
    row.vals.fill(' ');
    row.sty.fill(0);
  }
  return grid;
}

export default class Output {
  readonly width: number;
  readonly height: number;
  private readonly operations: Operation[] = [];

  constructor(options: { width: number; height: number }) {
    this.width = options.width;
    this.height = options.height;
  }

  write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void {
    if (text === '') return;
    this.operations.push({ type: 'write', x, y, text, transformers: options.transformers });
  }

  clip(clip: Clip): void {
    this.operations.push({ type: 'clip', clip });
  }

  unclip(): void {
    this.operations.push({ type: 'unclip' });
  }

  get(): { output: string; height: number } {
    restartStylesIfFull();
    // As many cells as Ink's `x < width` loop makes (a fractional size rounds up).
    const width = Math.max(0, Math.ceil(this.width));
    const rows = blankRows(width, this.height);
    const clips: Clip[] = [];
    for (const op of this.operations) {
      if (op.type === 'clip') clips.push(intersect(clips.at(-1), op.clip));
      else if (op.type === 'unclip') clips.pop();
      else this.apply(rows, op, clips.at(-1));
    }
    const out: string[] = [];
    for (const row of rows) out.push(cellsToString(row.vals, row.sty, 0, row.vals.length).trimEnd());
    releaseLargeScratch();
    return { output: out.join('\n'), height: rows.length };
  }

  private apply(rows: Row[], op: Extract<Operation, { type: 'write' }>, clip: Clip | undefined): void {
    const { text, transformers } = op;
    let { x, y } = op;
    const entry = linesOf(text);
    let lines = entry.lines;
    if (clip) {
      if (isClipEmpty(clip)) return;
      const clipX = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
      const clipY = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
      if (clipX) {
        entry.widest ??= widestLine(text);
        const width = entry.widest;
        if (x + width < (clip.x1 as number) || x > (clip.x2 as number)) return;
      }
      if (clipY && (y + lines.length < (clip.y1 as number) || y > (clip.y2 as number))) return;
      if (clipX) {
        const x1 = clip.x1 as number;
        const x2 = clip.x2 as number;
        const from = x < x1 ? x1 - x : 0;
        lines = lines.map((line) => {
          const width = widthOf(line);
          return sliceColumns(line, from, x + width > x2 ? x2 - x : width);
        });
        if (x < x1) x = x1;
      }
      if (clipY) {
        const y1 = clip.y1 as number;
        const y2 = clip.y2 as number;
        lines = lines.slice(y < y1 ? y1 - y : 0, y + lines.length > y2 ? y2 - y : lines.length);
        if (y < y1) y = y1;
      }
    }
    for (let index = 0; index < lines.length; index++) {
      const row = rows[y + index];
      if (!row) continue;
      let line = lines[index] as string;
      for (const transform of transformers) line = transform(line, index + y - op.y);
      const cells = cellsOf(line);
      if (cells.vals.length === 0) continue;
      this.put(row, x, cells);
    }
  }

  /** Ink's cell loop: a wide character takes its cells, and one cut by this write becomes a space. */
  private put(row: Row, x: number, cells: Cells): void {
    const { vals, sty } = row;
    if (x > 0 && vals[x] === '' && widthOf(vals[x - 1] ?? '') > 1) vals[x - 1] = ' ';
    let at = x;
    for (let i = 0; i < cells.vals.length; i++) {
      const s = cells.sty[i] as number;
      if (at >= 0) {
        vals[at] = cells.vals[i];
        sty[at] = s;
      }
      const w = Math.max(1, cellWidth(cells, i));
      for (let k = 1; k < w; k++) {
        if (at + k < 0) continue;
        vals[at + k] = at < 0 ? ' ' : '';
        sty[at + k] = s;
      }
      at += w;
    }
    if (at >= 0 && vals[at] === '') vals[at] = ' ';
  }
}
