import { performance } from 'node:perf_hooks';
import { Box, Text } from 'ink';
import { memo, useEffect, useState } from 'react';
import { useApp, useCockpit, useUi } from '../ui/context.js';
import { compileFilter, type LogFilter, plainText } from '../services/log-filter.js';
import type { LogLine } from '../state/types.js';
import { hhmmss } from './format.js';
import { Pane } from './Pane.js';
import { useThrottled } from './use-throttled.js';
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

/** Highlights the filter's matches with inverse video on the SGR-free text (so matches never split an escape). */
function highlight(plain: string, filter: LogFilter): string {
  let out = '';
  let from = 0;
  for (const [start, end] of filter.ranges(plain)) {
    out += `${plain.slice(from, start)}\x1b[7m${plain.slice(start, end)}\x1b[27m`;
    from = end;
  }
  return out + plain.slice(from);
}

const LogRow = memo(function LogRow({
  line,
  filter,
  timestamps,
  wrap,
}: {
  line: LogLine;
  filter: LogFilter | null;
  timestamps: boolean;
  wrap: boolean;
}) {
  const prefix = `${timestamps && line.ts ? `${line.ts.slice(11, 23)} ` : ''}${line.stream === 'stderr' ? '⁞' : ' '}`;
  const text = filter ? highlight(plainText(line), filter) : line.text;
  const color = line.evidence ? EVIDENCE_COLOR[line.evidence] : LEVEL_COLOR[line.level];
  return (
    <Text wrap={wrap ? 'wrap' : 'truncate'} color={color} bold={!!line.evidence}>
      <Text color={theme.muted}>{prefix}</Text>
      {text}
    </Text>
  );
});

/**
 * Filter work one frame may do on lines not tested yet. A new filter on a full ring of long lines
 * costs up to ~0.5 s (bench/log-filter.ts): done in slices, keys (`!`) are read between them.
 */
const FILTER_SLICE_MS = 30;

/**
 * Picks the visible window: the `rows` lines ending at endSeq (or the newest), filtered. O(rows) when
 * unfiltered. `pending`: the filter ran out of this frame's time; the view stops at the first line
 * not tested yet and the count is a lower bound, completed by the next frames.
 */
function visibleLines(
  rt: ReturnType<typeof useApp>['rt'],
  rows: number,
  endSeq: number | null,
  filter: LogFilter | null,
  width: number,
  wrap: boolean,
): { lines: LogLine[]; matches: number | null; pending: boolean } {
  const ring = rt.logPane.ring;
  const deadline = performance.now() + FILTER_SLICE_MS;
  let pending = false;
  const passes = (l: LogLine): boolean | null => {
    if (!filter) return true;
    if (filter.known(l) || performance.now() < deadline) return filter.test(l);
    pending = true;
    return null;
  };
  const out: LogLine[] = [];
  let used = 0;
  let i = ring.size - 1;
  if (endSeq !== null) while (i >= 0 && (ring.at(i)?.seq ?? 0) > endSeq) i--;
  for (; i >= 0 && used < rows; i--) {
    const l = ring.at(i);
    if (!l) continue;
    const hit = passes(l);
    if (hit === null) break;
    if (!hit) continue;
    const h = wrap ? Math.max(1, Math.ceil(plainText(l).length / Math.max(10, width - 4))) : 1;
    if (used + h > rows && out.length > 0) break;
    out.push(l);
    used += h;
  }
  let matches: number | null = null;
  if (filter) {
    // Each line is tested once per filter (cached): later frames only test the new lines.
    matches = 0;
    for (let j = ring.size - 1; j >= 0; j--) {
      const l = ring.at(j);
      const hit = l ? passes(l) : false;
      if (hit === null) break;
      if (hit) matches++;
    }
  }
  return { lines: out.reverse(), matches, pending };
}

export function LogsPane({ height, width }: { height: number; width: number }) {
  const { rt } = useApp();
  // Log batches arrive every 50 ms under load; 4 redraws a second are all a reader can use.
  const logs = useThrottled(rt.store, (s) => s.logs, 250);
  const docker = useCockpit((s) => s.connections.docker);
  const focused = useUi((s) => s.focus === 'logs' && s.screen === 'cockpit');
  const lv = useUi((s) => s.logView);
  const filterInput = useUi((s) => s.filterInput);
  const rows = Math.max(1, height - 2 - (filterInput !== null || lv.filterError ? 1 : 0));
  const compiled = compileFilter(lv.filter);
  const filter = compiled.ok ? compiled.filter : null;
  const { lines, matches, pending } = visibleLines(rt, rows, lv.follow ? null : lv.endSeq, filter, width, lv.wrap);
  // Filtering left for later frames: draw again on the next turn of the event loop, after input.
  const [, setSlice] = useState(0);
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => setSlice((n) => n + 1), 0);
    return () => clearTimeout(t);
  });
  const ring = rt.logPane.ring;
  const flags = [
    // First, so a narrow title keeps it: by the lines' own times, measured when they arrived (stamped).
    logs.behindMs !== null && logs.behindMs > 1000 && logs.at !== null
      ? `BEHIND LIVE ${(logs.behindMs / 1000).toFixed(1)} s at ${hhmmss(logs.at)}`
      : '',
    lv.follow ? 'follow' : 'PAUSED',
    lv.wrap ? 'wrap' : '',
    rt.logPane.preset !== 'tail' ? `since ${rt.logPane.preset}` : '',
    `${ring.size}/${ring.capacity}`,
    logs.dropped ? `dropped ${logs.dropped}` : '',

    lv.filter ? `/${lv.filter}/ ${pending ? `counting… ${matches ?? 0}+` : (matches ?? 0)} matches` : '',
  ].filter(Boolean);
  const title = `Logs ${logs.container ?? '(select a container, Enter)'}`;
  // logs.at starts at the attach time: without a line received there is nothing to be "as of".
  const stale = logs.container ? staleLabel(docker, ring.size ? logs.at : null) : null;
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
        {lines.map((l) => (
          <LogRow key={l.seq} line={l} filter={filter} timestamps={lv.timestamps} wrap={lv.wrap} />
        ))}
      </Box>
    </Pane>
  );
}
