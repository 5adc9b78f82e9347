import { Box, Text } from 'ink';
import { memo, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { WireLine } from '../services/logs/protocol.js';
import { useApp, useCockpit, useUi } from '../ui/context.js';
import { hhmmss } from './format.js';
import { logRowLines } from './log-row.js';
import { Pane } from './Pane.js';
import { staleLabel } from './stale.js';
import { theme } from './theme.js';

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
