/**
 * A log row as text: the grey prefix (time, stderr mark), the line cut or wrapped to the pane's
 * columns, its level or evidence colour. Written as the strings Ink drew for a <Text> per row, so
 * the log pane can draw all its rows as one text (LogsPane.tsx; test/unit/log-row-fit.test.tsx).
 */
import { styledCharsFromTokens, styledCharsToString, tokenize } from '@alcalzone/ansi-tokenize';
import chalk from 'chalk';
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import { plainText } from '../services/log-filter.js';
import { eachCluster } from '../text/mixed-runs.js';
import type { WireLine } from '../services/logs/protocol.js';
import { theme } from './theme.js';

const LEVEL_COLOR: Record<string, string | undefined> = { ERROR: theme.bad, FATAL: theme.bad, WARN: theme.warn };
const EVIDENCE_COLOR: Record<string, string> = {
  halt: theme.bad,
  lift: theme.ok,
  rejected: theme.warn,
  'breaker-trip': theme.bad,
  'breaker-reset': theme.ok,
  flatten: theme.warn,
};

/** Highlights the filter's matches (found by the log worker) with inverse video on the SGR-free text. */
function highlight(plain: string, ranges: Array<[number, number]>): string {
  let out = '';
  let from = 0;
  for (const [start, end] of ranges) {
    out += `${plain.slice(from, start)}\x1b[7m${plain.slice(start, end)}\x1b[27m`;
    from = end;
  }
  return out + plain.slice(from);
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * A log line cut to its columns here, once, as Ink's truncation (cli-truncate) cuts it: the last
 * column an ellipsis, a wide character that would cross into it left out. Ink otherwise cuts it
 * again at every frame, through its slower path for styled text. Plain ASCII is as wide as it is
 * long; a line with other characters is read like a narrow one except around them
 * (src/text/mixed-runs.ts). Null for what is left to Ink: escape and control characters, fewer
 * than two columns.
 */
function cutToColumns(text: string, columns: number): { text: string; width: number } | null {
  if (columns < 2) return null;
  if (PRINTABLE_ASCII.test(text)) {
    return text.length <= columns ? { text, width: text.length } : { text: `${text.slice(0, columns - 1)}…`, width: columns };
  }
  const room = columns - 1;
  /** Columns read so far, and where text fitting in `room` columns ends, with its columns. */
  let width = 0;
  let cutAt = -1;
  let cutWidth = 0;
  const read = eachCluster(text, (start, w) => {
    // cli-truncate's slice ends at the first cluster that starts at the room or would cross it.
    if (cutAt < 0 && (width >= room || width + w > room)) {
      cutAt = start;
      cutWidth = width;
    }
    width += w;
  });
  if (!read) return null;
  if (width <= columns) return { text, width };
  // Nothing of the text before the ellipsis: cli-truncate then colours it as the prefix.
  if (cutAt === 0) return null;
  return { text: `${text.slice(0, cutAt)}…`, width: cutWidth + 1 };
}

/** A log line cut to its columns as Ink would cut it (unchanged when it fits or is left to Ink). */
export function fitColumns(text: string, columns: number): string {
  return cutToColumns(text, columns)?.text ?? text;
}

/** A named colour's SGR, as Ink's <Text color> writes it (chalk: honours NO_COLOR and the terminal's colour level). */
const paint = (color: string | undefined, text: string): string => (color ? (chalk[color as 'red'] as (t: string) => string)(text) : text);

/** A styled string rewritten as Ink writes it before styling a line (a reset becomes the codes it ends). */
const normalized = (text: string): string => styledCharsToString(styledCharsFromTokens(tokenize(text)));

/**
 * One log row as the lines Ink drew for it as a <Text> of its own: the grey prefix and the text, cut
 * (or wrapped) to the columns, each line then coloured and made bold the way Ink's Text styles its
 * lines. Plain rows, nearly all of them, skip every step but the colour.
 */
export function logRowLines(line: WireLine, timestamps: boolean, wrap: boolean, columns: number): string[] {
  const prefix = `${timestamps && line.ts ? `${line.ts.slice(11, 23)} ` : ''}${line.stream === 'stderr' ? '⁞' : ' '}`;
  const fitted = line.hl || wrap ? null : cutToColumns(line.text, columns - prefix.length);
  const text = line.hl ? highlight(plainText(line), line.hl) : (fitted?.text ?? line.text);
  const row = paint(theme.muted, prefix) + text;
  let parts = [row];
  // A fitted or plain ASCII text after a narrow prefix: its width is known.
  const width = fitted ? prefix.length + fitted.width : PRINTABLE_ASCII.test(text) ? prefix.length + text.length : stringWidth(row);
  if (width > columns) {
    parts = wrap ? wrapAnsi(row, columns, { trim: false, hard: true }).split('\n') : [cliTruncate(row, columns, { position: 'end' })];
  }
  // Only the text's own escapes need rewriting: the prefix's grey, cut or wrapped, already reads as Ink writes it.
  const styled = text.includes('\x1b');
  const color = line.evidence ? EVIDENCE_COLOR[line.evidence] : LEVEL_COLOR[line.level];
  return parts.map((part) => {
    const out = paint(color, styled ? normalized(part) : part);
    return line.evidence ? chalk.bold(out) : out;
  });
}
