import { Box, Text } from 'ink';
import { memo } from 'react';
import { useApp, useCockpit, useUi } from '../screens/context.js';
import type { LogLine } from '../state/types.js';
import { Pane } from './Pane.js';
import { useThrottled } from './use-throttled.js';
import { staleLabel } from './stale.js';
import { theme } from './theme.js';

const SGR = /\x1b\[[0-9;:]*m/g;
const LEVEL_COLOR: Record<string, string | undefined> = { ERROR: theme.bad, FATAL: theme.bad, WARN: theme.warn };
const EVIDENCE_COLOR: Record<string, string> = {
  halt: theme.bad,
  lift: theme.ok,
  rejected: theme.warn,
  'breaker-trip': theme.bad,
  'breaker-reset': theme.ok,
  flatten: theme.warn,
};

function compile(filter: string): RegExp | null {
  if (!filter) return null;
  try {
    return new RegExp(filter, 'gi');
  } catch {
    return null;
  }
}

/** Highlights regex matches with inverse video on the SGR-free text (so matches never split an escape). */
function highlight(plain: string, re: RegExp): string {
  re.lastIndex = 0;
  return plain.replace(re, (m) => (m ? `\x1b[7m${m}\x1b[27m` : m));
}

const LogRow = memo(function LogRow({
  line,
  re,
  timestamps,
  wrap,
}: {
  line: LogLine;
  re: RegExp | null;
  timestamps: boolean;
  wrap: boolean;
}) {
  const prefix = `${timestamps && line.ts ? `${line.ts.slice(11, 23)} ` : ''}${line.stream === 'stderr' ? '⁞' : ' '}`;
  const text = re ? highlight(line.text.replace(SGR, ''), re) : line.text;
  const color = line.evidence ? EVIDENCE_COLOR[line.evidence] : LEVEL_COLOR[line.level];
  return (
    <Text wrap={wrap ? 'wrap' : 'truncate'} color={color} bold={!!line.evidence}>
      <Text color={theme.muted}>{prefix}</Text>
      {text}
    </Text>
  );
});

/** Picks the visible window: the `rows` lines ending at endSeq (or the newest), filtered. O(rows) when unfiltered. */
function visibleLines(
  rt: ReturnType<typeof useApp>['rt'],
  rows: number,
  endSeq: number | null,
  re: RegExp | null,
  width: number,
  wrap: boolean,
): { lines: LogLine[]; matches: number | null } {
  const ring = rt.logPane.ring;
  const out: LogLine[] = [];
  let used = 0;
  let i = ring.size - 1;
  if (endSeq !== null) while (i >= 0 && (ring.at(i)?.seq ?? 0) > endSeq) i--;
  for (; i >= 0 && used < rows; i--) {
    const l = ring.at(i);
    if (!l) continue;
    if (re) {
      re.lastIndex = 0;
      if (!re.test(l.text.replace(SGR, ''))) continue;
    }
    const h = wrap ? Math.max(1, Math.ceil(l.text.replace(SGR, '').length / Math.max(10, width - 4))) : 1;
    if (used + h > rows && out.length > 0) break;
    out.push(l);
    used += h;
  }
  let matches: number | null = null;
  if (re) {
    matches = 0;
    for (let j = 0; j < ring.size; j++) {
      const l = ring.at(j);
      re.lastIndex = 0;
      if (l && re.test(l.text.replace(SGR, ''))) matches++;
    }
  }
  return { lines: out.reverse(), matches };
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
  const re = compile(lv.filter);
  const { lines, matches } = visibleLines(rt, rows, lv.follow ? null : lv.endSeq, re, width, lv.wrap);
  const ring = rt.logPane.ring;
  const flags = [
    lv.follow ? 'follow' : 'PAUSED',
    lv.wrap ? 'wrap' : '',
    rt.logPane.preset !== 'tail' ? `since ${rt.logPane.preset}` : '',
    `${ring.size}/${ring.capacity}`,
    logs.dropped ? `dropped ${logs.dropped}` : '',
    lv.filter ? `/${lv.filter}/ ${matches ?? 0} matches` : '',
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
          <LogRow key={l.seq} line={l} re={re} timestamps={lv.timestamps} wrap={lv.wrap} />
        ))}
      </Box>
    </Pane>
  );
}
