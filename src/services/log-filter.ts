/**
 * The one log filter predicate: the Logs pane's filter, its match count, its highlight and n/N
 * all use it, on the same text (the line without its colour codes).
 *
 * The pattern is typed by an operator, so it runs on RE2 (re2js: pure JavaScript, linear time in
 * the line's length, no native build). JavaScript's RegExp backtracks: `(x+x+)+y` on a line of 54
 * `x` ran for hours and froze the whole cockpit, `!` and SIGTERM included. RE2 refuses what it
 * cannot run in linear time (lookaround, backreferences) with a syntax error, shown in the prompt.
 * Figures: bench/log-filter.ts.
 */
import { RE2JS } from 're2js';
import type { LogLine } from '../state/types.js';
import { printable } from '../text/safe-text.js';

/** Longer patterns are refused as they are typed; nobody filters a log with a paragraph. */
export const MAX_FILTER_CHARS = 256;
/** Highlighted matches per line: a pattern matching every character must not build 4,000 spans. */
const MAX_HIGHLIGHTS = 64;
/** Compiled filters kept (the pane and n/N share one; a few more for typing back and forth). */
const CACHE_SIZE = 8;
const SGR = /\x1b\[[0-9;:]*m/g;

export interface LogFilter {
  readonly source: string;
  /** Does the line match? Cached per line: ring lines never change, only new ones are tested. */
  test(line: LogLine): boolean;
  /** Was the line tested already (test() is then a lookup)? */
  known(line: LogLine): boolean;
  /** [start, end) of each non-empty match in `plain` (UTF-16 offsets), at most MAX_HIGHLIGHTS. */
  ranges(plain: string): Array<[number, number]>;
}

export type CompiledFilter = { ok: true; filter: LogFilter | null } | { ok: false; error: string };

/** The text every filter matches: the display line without its SGR colour codes. */
export function plainText(line: LogLine): string {
  return line.text.includes('\x1b') ? line.text.replace(SGR, '') : line.text;
}

class Re2Filter implements LogFilter {
  private readonly seen = new WeakMap<LogLine, boolean>();
  constructor(
    readonly source: string,
    private readonly re: RE2JS,
  ) {}

  test(line: LogLine): boolean {
    const known = this.seen.get(line);
    if (known !== undefined) return known;
    const hit = this.re.test(plainText(line));
    this.seen.set(line, hit);
    return hit;
  }

  known(line: LogLine): boolean {
    return this.seen.has(line);
  }

  ranges(plain: string): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const m = this.re.matcher(plain);
    // find() steps past empty matches by itself; the bound is belt and braces.
    for (let guard = 0; guard <= plain.length && out.length < MAX_HIGHLIGHTS && m.find(); guard++) {
      if (m.end() > m.start()) out.push([m.start(), m.end()]);
    }
    return out;
  }
}

const cache = new Map<string, CompiledFilter>();

/** Compiles a filter (case-insensitive, RE2 syntax); '' is no filter. Never throws. */
export function compileFilter(source: string): CompiledFilter {
  const hit = cache.get(source);
  if (hit) return hit;
  const result = compile(source);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(source, result);
  return result;
}

function compile(source: string): CompiledFilter {
  if (source === '') return { ok: true, filter: null };
  if (source.length > MAX_FILTER_CHARS)
    return { ok: false, error: `filter too long (${source.length} characters, at most ${MAX_FILTER_CHARS})` };
  try {
    return { ok: true, filter: new Re2Filter(source, RE2JS.compile(source, RE2JS.CASE_INSENSITIVE)) };
  } catch (e) {
    return { ok: false, error: `invalid filter: ${explain(e)}` };
  }
}

/** RE2's messages ("error parsing regexp: invalid or unsupported Perl syntax: `(?=`") in operator words. */
export function explain(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  // RE2JS quotes the pattern with the case-insensitive flag it prepended: show what was typed.
  const msg = raw.replace(/^error parsing regexp:\s*/, '').replace('`(?i)', '`');
  const at = /`([^`]*)`/.exec(msg)?.[1] ?? '';
  if (/^\(\?<?[=!]/.test(at)) return `lookahead and lookbehind (${printable(at, 20)}) are not supported: the filter runs in linear time`;
  if (/invalid escape sequence/.test(msg) && /^\\[1-9]/.test(at))
    return `backreferences (${at}) are not supported: the filter runs in linear time`;
  if (/invalid repeat count/.test(msg)) return `repeat count too large: ${printable(at, 20)} (at most 1000, nested repeats included)`;
  if (/invalid or unsupported Perl syntax/.test(msg)) return `unsupported syntax ${printable(at, 20)} (the filter uses RE2 syntax)`;
  return printable(msg, 120);
}
