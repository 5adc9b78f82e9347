/**
 * Raw-byte screening for evidence: which bytes must a line hold for a contract pattern to match it?
 *
 * Under a flood the log worker cannot decode, split and parse every line; it can search each chunk's
 * bytes for a few fixed strings (Buffer.indexOf is native, gigabytes per second). For each pattern
 * this finds one string every match must contain: the longest run of plain ASCII (letters, digits,
 * space and the punctuation JSON and SGR leave alone) that the regex requires outside any group,
 * alternation or optional part. A pattern without one (`.*`, a top-level `|`) cannot be screened
 * this way: the worker then says so (`screenable` false) instead of pretending.
 *
 * Why ASCII only: the message a pattern matches is taken out of JSON and stripped of colour, while
 * the raw bytes still hold JSON escapes (`\"`, `\u2192`) and SGR sequences. A run of plain ASCII is
 * the same in both. Erasable TypeScript only (bench/log-pipeline.ts runs it with type stripping).
 */

/** Characters that read as themselves in the regex source, in JSON and after colour is removed. */
function plain(c: string): boolean {
  // Not < > &: some JSON encoders (Go's) write them as \u003c \u003e \u0026.
  return /^[A-Za-z0-9 _,:;=#@%'~/-]$/.test(c);
}

/** Escaped characters that stand for themselves (`\[`, `\.`, ...). */
const ESCAPED_LITERAL = /^[[\]().*+?{}|^$\\/-]$/;

/**
 * The longest required plain-ASCII literal of a JavaScript regex source, or null when there is none
 * worth searching for (shorter than `min`).
 */
export function requiredLiteral(source: string, min = 4): string | null {
  const runs: string[] = [];
  let cur = '';
  let depth = 0;
  const end = () => {
    if (cur.length > 0) runs.push(cur);
    cur = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    const next = source[i + 1];
    // A quantifier after a character makes that character optional or repeated: not required as is.
    const quantified = next === '?' || next === '*' || next === '{' || next === '+';
    if (c === '\\') {
      const e = source[i + 1] ?? '';
      i++;
      if (!ESCAPED_LITERAL.test(e)) {
        // \d \w \s \b, \x41, \u2192, \u{...}, \p{...}, \k<name>, \1: not a plain literal; skip all of it.
        end();
        const rest = source.slice(i + 1);
        const skip =
          /^(?:\{[^}]*\}|<[^>]*>)/.exec(rest)?.[0] ??
          (e === 'x' ? rest.slice(0, 2) : e === 'u' ? rest.slice(0, 4) : e === 'c' ? rest.slice(0, 1) : (/^\d*/.exec(rest)?.[0] ?? ''));
        i += skip.length;
        continue;
      }
      const after = source[i + 1];
      const q = after === '?' || after === '*' || after === '{' || after === '+';
      if (depth === 0 && ESCAPED_LITERAL.test(e) && plain(e) && !q) cur += e;
      else end();
      continue;
    }
    if (c === '|') {
      if (depth === 0) return null; // a top-level alternation: no single string is required
      continue;
    }
    if (c === '(' || c === '[') {
      end();
      if (c === '[') {
        // skip the class
        let j = i + 1;
        if (source[j] === '^') j++;
        if (source[j] === ']') j++;
        while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
        i = j;
        // a quantified class is fine: it ended the run either way
        continue;
      }
      depth++;
      continue;
    }
    if (c === ')') {
      depth = Math.max(0, depth - 1);
      end();
      continue;
    }
    if (depth > 0) continue;
    if (c === '.' || c === '^' || c === '$' || c === '?' || c === '*' || c === '+' || c === '{' || c === '}') {
      end();
      continue;
    }
    if (quantified || !plain(c)) {
      end();
      continue;
    }
    cur += c;
  }
  end();
  let best = '';
  for (const r of runs) if (r.length > best.length) best = r;
  return best.length >= min ? best : null;
}

/** Fixed byte strings, any of which in a chunk makes it worth decoding the line around it. */
export class RawScreen {
  /** False when some pattern has no required literal: raw bytes cannot rule a line out. */
  readonly screenable: boolean;
  private readonly needles: Buffer[];

  constructor(sources: readonly string[]) {
    const needles: Buffer[] = [];
    let ok = true;
    for (const s of sources) {
      const lit = requiredLiteral(s);
      if (lit === null) ok = false;
      else if (!needles.some((n) => n.toString('latin1') === lit)) needles.push(Buffer.from(lit, 'latin1'));
    }
    this.screenable = ok && needles.length > 0;
    this.needles = needles;
  }

  /** Longest needle, bytes: a match split across two chunks lies within this many bytes of the cut. */
  get reach(): number {
    let n = 0;
    for (const b of this.needles) n = Math.max(n, b.length);
    return n;
  }

  /** Offsets in buf[from, to) where a needle starts, ascending (each needle's first hit per call). */
  hits(buf: Buffer, from = 0, to = buf.length): number[] {
    const out: number[] = [];
    for (const needle of this.needles) {
      let at = buf.indexOf(needle, from);
      while (at !== -1 && at + needle.length <= to) {
        out.push(at);
        at = buf.indexOf(needle, at + needle.length);
      }
    }
    if (out.length > 1) out.sort((a, b) => a - b);
    return out;
  }
}
