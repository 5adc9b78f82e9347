import { styledCharsFromTokens, styledCharsToString, tokenize } from '@alcalzone/ansi-tokenize';
import chalk from 'chalk';
import cliTruncate from 'cli-truncate';
import { Box, Text } from 'ink';
import { memo, useEffect, useMemo, useSyncExternalStore } from 'react';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import { plainText } from '../services/log-filter.js';
import type { WireLine } from '../services/logs/protocol.js';
import { useApp, useCockpit, useUi } from '../ui/context.js';
import { hhmmss } from './format.js';
import { Pane } from './Pane.js';
import { staleLabel } from './stale.js';
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
 * A plain ASCII line cut to its columns here, once, as Ink's truncation would cut it (the last column
 * an ellipsis): Ink otherwise cuts it again at every frame, through its slower path for styled text.
 * Anything else (colours, wide characters, highlights) is left to Ink.
 */
export function fitColumns(text: string, columns: number): string {
  if (text.length <= columns || columns < 1 || !PRINTABLE_ASCII.test(text)) return text;
  return `${text.slice(0, columns - 1)}…`;
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
  const text = line.hl ? highlight(plainText(line), line.hl) : wrap ? line.text : fitColumns(line.text, columns - prefix.length);
  const row = paint(theme.muted, prefix) + text;
  let parts = [row];
  // A plain ASCII text after a narrow prefix is as wide as it is long.
  const width = PRINTABLE_ASCII.test(text) ? prefix.length + text.length : stringWidth(row);
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

/**
 * The visible rows as one text: one layout node and one write per frame, where a <Text> per row
 * made Ink create, measure and free ~45 of them at every window of a flood (bench/cockpit.bench.test.ts).
 */
const LogBody = memo(function LogBody({
  lines,
  timestamps,
  wrap,
  columns,
}: {
  lines: WireLine[];
  timestamps: boolean;
  wrap: boolean;
  columns: number;
}) {
  const text = useMemo(
    () => lines.flatMap((l) => logRowLines(l, timestamps, wrap, columns)).join('\n'),
    [lines, timestamps, wrap, columns],
  );
  return <Text wrap={wrap ? 'wrap' : 'truncate'}>{text}</Text>;
});

/**
 * The log pane. Its lines live in the log worker (src/services/logs/worker-core.ts), which filters
 * them and sends only the visible window: at once when the view changes (a key), then at most every
 * 250 ms while lines arrive. So a flood costs this thread a few small messages a second, whatever
 * the rate, and a new filter on a full ring is counted over there, in slices ("counting…").
 */
export function LogsPane({ height, width }: { height: number; width: number }) {
  const { rt } = useApp();
  const pane = rt.logPane;
  const win = useSyncExternalStore(pane.subscribe, pane.getWindow);
  const logs = useCockpit((s) => s.logs);
  const docker = useCockpit((s) => s.connections.docker);
  const focused = useUi((s) => s.focus === 'logs' && s.screen === 'cockpit');
  const lv = useUi((s) => s.logView);
  const filterInput = useUi((s) => s.filterInput);
  const rows = Math.max(1, height - 2 - (filterInput !== null || lv.filterError ? 1 : 0));
  const endSeq = lv.follow ? null : lv.endSeq;
  // Tell the worker what is visible; it answers with the window (and keeps it current).
  useEffect(() => {
    pane.setView({ rows, width, wrap: lv.wrap, endSeq, filter: lv.filter });
  }, [pane, rows, width, lv.wrap, endSeq, lv.filter]);
  const lines = win?.lines ?? [];
  const size = win?.size ?? 0;
  // The count belongs to the filter the window was computed for (a new one is on its way).
  const matches = win?.view?.filter === lv.filter ? win.matches : null;
  const pending = win?.pending === true || (lv.filter !== '' && matches === null);
  const flags = [
    // First, so a narrow title keeps it: by the lines' own times, measured when they arrived (stamped).
    logs.behindMs !== null && logs.behindMs > 1000 && logs.at !== null
      ? `BEHIND LIVE ${(logs.behindMs / 1000).toFixed(1)} s at ${hhmmss(logs.at)}`
      : '',
    lv.follow ? 'follow' : 'PAUSED',
    lv.wrap ? 'wrap' : '',
    pane.preset !== 'tail' ? `since ${pane.preset}` : '',
    `${size}/${pane.capacity}`,
    logs.dropped ? `dropped ${logs.dropped}` : '',
    lv.filter ? `/${lv.filter}/ ${pending ? `counting… ${matches ?? 0}+` : (matches ?? 0)} matches` : '',
  ].filter(Boolean);
  const title = `Logs ${logs.container ?? '(select a container, Enter)'}`;
  // logs.at starts at the attach time: without a line received there is nothing to be "as of".
  const stale = logs.container ? staleLabel(docker, size ? logs.at : null) : null;
  return (
    <Pane
      title={title}
      focused={focused}
      stale={stale ?? (logs.error ? `stream ended: ${logs.error.slice(0, 50)}` : null)}
      height={height}
      width={width}
      right={flags.join(' · ')}
    >
      {filterInput !== null ? (
        // A refused regex keeps the input open: its reason shows on the same line.
        <Text color={theme.accent} wrap="truncate">
          {`filter /${filterInput}▌  `}
          {lv.filterError ? <Text color={theme.bad}>{lv.filterError}</Text> : '(Enter applies, Esc clears)'}
        </Text>
      ) : lv.filterError ? (
        <Text color={theme.bad} wrap="truncate">
          {lv.filterError}
        </Text>
      ) : null}
      <Box flexDirection="column" height={rows} overflow="hidden">
        <LogBody lines={lines} timestamps={lv.timestamps} wrap={lv.wrap} columns={width - 2} />
      </Box>
    </Pane>
  );
}
