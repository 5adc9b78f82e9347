/**
 * Untrusted container output → text that is safe to paint in the operator's terminal.
 *
 * A container can write anything to its log: a terminal escape can move the cursor over the
 * cockpit, switch screens, set the window title, write the operator's clipboard (OSC 52) or
 * plant hyperlinks (OSC 8). Only SGR (colour/style) sequences survive; everything else is dropped.
 *
 * Line cap: measured in UTF-8 bytes of the sanitized output (kept SGR sequences included).
 * A line never exceeds `maxLineBytes` of content; the closing reset (ESC[0m, 4 bytes) and the
 * truncation marker are appended beyond it. The marker counts the UTF-8 bytes that were cut
 * (invalid input bytes count as their U+FFFD replacement, so the figure may be off by a few bytes).
 *
 * Erasable TypeScript only (no enums, no parameter properties): bench/log-pipeline.ts runs this
 * file with Node's type stripping.
 */

export const DEFAULT_MAX_LINE_BYTES = 4096;

const RESET = '\x1b[0m';
/** SGR parameters longer than this are not colour, they are an attack on the parser: drop them. */
const MAX_SGR_PARAMS = 128;

// Parser states (plain numbers: const enums are not erasable).
const GROUND = 0;
/** C0 controls, DEL and C1 controls: everything the character walk must look at. */
const CONTROL_RUN_END = /[\u0000-\u001f\u007f-\u009f]/g;
const ESC = 1; // after ESC
const ESC_INTERMEDIATE = 2; // ESC ( B, ESC # 8 ...
const CSI = 3; // ESC [ or 8-bit CSI, collecting parameters
const STRING = 4; // OSC / DCS / SOS / PM / APC body, dropped until its terminator
const STRING_ESC = 5; // ESC seen inside a string: ST (ESC \) or the start of a new escape

function isPrintable(c: number): boolean {
  return (c >= 0x20 && c < 0x7f) || c >= 0xa0 || c === 0x09;
}

function utf8Bytes(s: string, from: number, to: number): number {
  if (to <= from) return 0;
  return Buffer.byteLength(from === 0 && to === s.length ? s : s.slice(from, to), 'utf8');
}

/**
 * Sanitizes one line, fed in pieces. Escape state lives across `write` calls so a sequence split
 * between two chunks is still recognised; `finish` closes the line and resets everything.
 */
export class LineSanitizer {
  private readonly maxBytes: number;
  private out = '';
  private outBytes = 0;
  private state = GROUND;
  private params = '';
  /** The current CSI can still be an SGR we keep (7-bit, digits/;/: only, not too long). */
  private sgrCandidate = false;
  /** The current string is an OSC, which BEL also terminates. */
  private stringIsOsc = false;
  /** An SGR other than a plain reset was emitted: close the line with a reset. */
  private styled = false;
  private cutBytes = 0;
  private cut = false;

  constructor(maxBytes = DEFAULT_MAX_LINE_BYTES) {
    this.maxBytes = Math.max(1, Math.floor(maxBytes));
  }

  /** True once the line reached the cap: further input is only counted. */
  get truncated(): boolean {
    return this.cut;
  }

  /** Counts bytes that belong to this line but were skipped without decoding (past the cap). */
  addDropped(bytes: number): void {
    this.cutBytes += bytes;
  }

  write(s: string, from = 0, to = s.length): void {
    if (this.cut) {
      this.cutBytes += utf8Bytes(s, from, to);
      return;
    }
    // Fast path for the common case, a run with no control character at all: copy it whole
    // (native regex search and byte count) instead of walking it character by character.
    if (this.state === GROUND) {
      CONTROL_RUN_END.lastIndex = from;
      const m = CONTROL_RUN_END.exec(s);
      const end = m !== null && m.index < to ? m.index : to;
      if (end > from) {
        const run = end === to && from === 0 && to === s.length ? s : s.slice(from, end);
        const bytes = Buffer.byteLength(run);
        if (this.outBytes + bytes <= this.maxBytes) {
          this.out += run;
          this.outBytes += bytes;
          from = end;
          if (from >= to) return;
        }
      }
    }
    let runStart = -1; // start of the printable run not yet copied to `out`
    let i = from;
    while (i < to) {
      const c = s.charCodeAt(i);
      if (this.state === GROUND) {
        if (isPrintable(c)) {
          let width = 3;
          let units = 1;
          if (c < 0x80) width = 1;
          else if (c < 0x800) width = 2;
          else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
            const next = s.charCodeAt(i + 1);
            if (next >= 0xdc00 && next <= 0xdfff) {
              width = 4; // a surrogate pair is one code point: never split it
              units = 2;
            }
          }
          if (this.outBytes + width > this.maxBytes) {
            if (runStart >= 0) this.out += s.slice(runStart, i);
            this.truncate(utf8Bytes(s, i, to));
            return;
          }
          this.outBytes += width;
          if (runStart < 0) runStart = i;
          i += units;
          continue;
        }
        if (runStart >= 0) {
          this.out += s.slice(runStart, i);
          runStart = -1;
        }
        this.enterControl(c);
        i++;
        continue;
      }
      // Inside an escape: `step` returns true when `c` ends the escape without being part of it.
      if (this.step(c)) continue; // re-read c in GROUND (or ESC)
      if (this.cut) {
        this.cutBytes += utf8Bytes(s, i + 1, to);
        return;
      }
      i++;
    }
    if (runStart >= 0) this.out += s.slice(runStart, to);
  }

  /** Closes the line: no open style, no half escape, a visible marker when it was cut. */
  finish(): string {
    let line = this.out;
    if (this.styled) line += RESET;
    if (this.cut) line += ` …[truncated ${this.cutBytes} bytes]`;
    this.out = '';
    this.outBytes = 0;
    this.state = GROUND;
    this.params = '';
    this.styled = false;
    this.cut = false;
    this.cutBytes = 0;
    return line;
  }

  /** A non-printable character in GROUND: start an escape or drop it. */
  private enterControl(c: number): void {
    if (c === 0x1b) this.state = ESC;
    else if (c === 0x9b)
      this.beginCsi(false); // 8-bit CSI: consumed, never kept
    else if (c === 0x9d)
      this.beginString(true); // 8-bit OSC
    else if (c === 0x90 || c === 0x98 || c === 0x9e || c === 0x9f) this.beginString(false); // DCS SOS PM APC
    // Every other C0 (CR, BS, BEL, NUL...), DEL and C1 control is simply dropped.
  }

  private beginCsi(sgrCandidate: boolean): void {
    this.state = CSI;
    this.params = '';
    this.sgrCandidate = sgrCandidate;
  }

  private beginString(osc: boolean): void {
    this.state = STRING;
    this.stringIsOsc = osc;
  }

  /** Advances the escape parser by one code unit. Returns true if `c` must be re-read. */
  private step(c: number): boolean {
    switch (this.state) {
      case ESC:
        if (c === 0x5b) this.beginCsi(true);
        else if (c === 0x5d) this.beginString(true);
        else if (c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) this.beginString(false);
        else if (c === 0x1b) this.state = ESC;
        else if (c >= 0x20 && c <= 0x2f) this.state = ESC_INTERMEDIATE;
        else if (c >= 0x30 && c <= 0x7e)
          this.state = GROUND; // ESC c, ESC 7, ESC 8, ESC M ... dropped
        else return this.abort();
        return false;
      case ESC_INTERMEDIATE:
        if (c >= 0x20 && c <= 0x2f) return false;
        if (c >= 0x30 && c <= 0x7e) this.state = GROUND;
        else if (c === 0x1b) this.state = ESC;
        else return this.abort();
        return false;
      case CSI:
        if (c >= 0x30 && c <= 0x3f) {
          // digits ; : are SGR parameters; < = > ? mark private modes
          if (this.sgrCandidate) {
            if (c <= 0x3b && this.params.length < MAX_SGR_PARAMS) this.params += String.fromCharCode(c);
            else this.sgrCandidate = false;
          }
        } else if (c >= 0x20 && c <= 0x2f) {
          this.sgrCandidate = false; // intermediates: not an SGR
        } else if (c >= 0x40 && c <= 0x7e) {
          this.state = GROUND;
          if (c === 0x6d && this.sgrCandidate) this.emitSgr(this.params);
          this.params = '';
        } else if (c === 0x1b) {
          this.state = ESC;
        } else {
          return this.abort();
        }
        return false;
      case STRING:
        if (c === 0x1b) this.state = STRING_ESC;
        else if (c === 0x9c || (c === 0x07 && this.stringIsOsc)) this.state = GROUND;
        return false;
      case STRING_ESC:
        if (c === 0x5c) {
          this.state = GROUND; // ST
          return false;
        }
        // Like xterm, an ESC inside a string cancels it and starts a new escape.
        this.state = ESC;
        return true;
      default:
        this.state = GROUND;
        return true;
    }
  }

  /** A control or non-ASCII character broke an escape: drop the escape, re-read the character. */
  private abort(): boolean {
    this.state = GROUND;
    this.params = '';
    return true;
  }

  private emitSgr(params: string): void {
    const seq = `\x1b[${params}m`;
    if (this.outBytes + seq.length > this.maxBytes) {
      this.truncate(seq.length);
      return;
    }
    this.out += seq;
    this.outBytes += seq.length;
    this.styled = !/^0*$/.test(params);
  }

  private truncate(bytes: number): void {
    this.cut = true;
    this.cutBytes += bytes;
    this.state = GROUND;
    this.params = '';
  }
}

const shared = new LineSanitizer(DEFAULT_MAX_LINE_BYTES);

/** Sanitizes one line of already-decoded text (newlines inside it are dropped as controls). */
export function sanitizeLine(input: string, maxLineBytes = DEFAULT_MAX_LINE_BYTES): string {
  const s = maxLineBytes === DEFAULT_MAX_LINE_BYTES ? shared : new LineSanitizer(maxLineBytes);
  s.write(input);
  return s.finish();
}

const SGR_GLOBAL = /\x1b\[[0-9;:]*m/g;
/** Any C0 control but TAB, DEL, or C1 control. */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

/** Removes the SGR sequences from sanitized text (for matching and plain display). */
export function stripSgr(s: string): string {
  return s.indexOf('\x1b') === -1 ? s : s.replace(SGR_GLOBAL, '');
}

/**
 * True when `s` is safe to paint: every ESC starts a well-formed SGR, and there is no other
 * C0 control (TAB excepted), DEL or C1 control. For tests and for defensive checks.
 */
export function onlySgrEscapes(s: string): boolean {
  return !CONTROL.test(s.replace(SGR_GLOBAL, ''));
}

/** Bytes decoded per step of a long line: decoding stops once the sanitizer has cut the line. */
const PIECE_BYTES = 8192;

/**
 * The end of the last complete UTF-8 sequence in buf[from, to): `to`, or the start of a sequence the
 * bytes after `to` would complete. Invalid bytes are left to the decoder (they become U+FFFD).
 */
function utf8End(buf: Uint8Array, from: number, to: number): number {
  for (let i = to - 1, k = 1; i >= from && k <= 3; i--, k++) {
    const b = buf[i] as number;
    if (b < 0x80) return to; // ASCII: nothing open
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return need > k ? i : to;
    }
    // a continuation byte: look further back
  }
  return to;
}

/**
 * Splits a byte stream into sanitized lines. Splits on LF (a trailing CR is dropped with the
 * other controls); UTF-8 split across chunks is decoded correctly; invalid UTF-8 becomes U+FFFD.
 * Once a line reaches the cap, the rest of it is counted up to the next LF without being decoded.
 *
 * Each line is decoded on its own, from its own bytes: a line kept in the log ring is a string of
 * its own, never a slice of a whole decoded chunk (which would keep the chunk alive with it).
 */
export class LineSplitter {
  private readonly line: LineSanitizer;
  /** The current line's last bytes when they end inside a UTF-8 sequence (at most 3), a copy. */
  private carry: Buffer | null = null;
  /** Bytes arrived since the last LF: flush() owes a final line. */
  private open = false;

  constructor(maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    this.line = new LineSanitizer(maxLineBytes);
  }

  push(chunk: Uint8Array): string[] {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: string[] = [];
    let pos = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(0x0a, pos);
      const end = nl === -1 ? buf.length : nl;
      if (end > pos) {
        this.open = true;
        this.feed(buf, pos, end, nl !== -1);
      } else if (nl !== -1 && this.carry) {
        this.feed(buf, pos, pos, true);
      }
      if (nl === -1) break;
      lines.push(this.endLine());
      pos = nl + 1;
    }
    return lines;
  }

  /** End of stream: the last line, when it had no LF. */
  flush(): string[] {
    if (this.carry) this.feed(Buffer.alloc(0), 0, 0, true);
    return this.open ? [this.endLine()] : [];
  }

  /**
   * Forgets the line in progress (the log worker skipped the bytes that would have ended it): the
   * next byte starts a new line.
   */
  discardPartial(): void {
    this.carry = null;
    if (this.open) this.line.finish();
    this.open = false;
  }

  /** True when bytes of an unfinished line are held (a skip must then also drop up to the next LF). */
  get partial(): boolean {
    return this.open;
  }

  /** Sanitizes buf[from, to) into the current line; `complete`: the line ends at `to`. */
  private feed(chunk: Buffer, from: number, to: number, complete: boolean): void {
    let buf = chunk;
    let a = from;
    let b = to;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk.subarray(from, to)]);
      a = 0;
      b = buf.length;
      this.carry = null;
    }
    if (this.line.truncated) {
      this.line.addDropped(b - a);
      return;
    }
    if (!complete) {
      const cut = utf8End(buf, a, b);
      if (cut < b) this.carry = Buffer.from(buf.subarray(cut, b));
      b = cut;
    }
    while (a < b) {
      if (this.line.truncated) {
        this.line.addDropped(b - a);
        return;
      }
      const e = b - a > PIECE_BYTES ? utf8End(buf, a, a + PIECE_BYTES) : b;
      this.line.write(buf.toString('utf8', a, e === a ? b : e));
      a = e === a ? b : e;
    }
  }

  private endLine(): string {
    this.open = false;
    return this.line.finish();
  }
}
