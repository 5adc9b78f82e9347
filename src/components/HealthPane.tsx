import { Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import { useCockpit } from '../ui/context.js';
import type { ProbeResult } from '../state/types.js';
import { age, latencyBucket, pad } from './format.js';
import { Pane } from './Pane.js';
import { theme } from './theme.js';
import { compareNames } from '../text/plain-format.js';

const COLOR: Record<string, string> = {
  healthy: theme.ok,
  degraded: theme.warn,
  unhealthy: theme.bad,
  timeout: theme.bad,
  refused: theme.bad,
  unauthorized: theme.bad,
  error: theme.bad,
};

const STALE_MS = 10_000;

/** What a row shows, as a string: the pane redraws only when some row's text changes. */
function rowKey(p: ProbeResult, now: number): string {
  const old = now - p.at > STALE_MS;
  return [p.name, p.status, latencyBucket(p.latencyMs), old ? age(p.at, now) : '', p.detail ?? '', old ? '1' : ''].join('\u0000');
}

export function HealthPane({ height, width }: { height: number; width: number }) {
  // Probe results arrive every interval (a hung endpoint reports a timeout), so the rows are
  // re-evaluated at each result; no timer of its own, which would cost a frame each time.
  const rows = useCockpit(
    useShallow((s) =>
      Object.values(s.probes)
        .sort((a, b) => compareNames(a.name, b.name))
        .map((p) => rowKey(p, Date.now())),
    ),
  );
  return (
    <Pane title="Health" height={height} width={width}>
      {rows.length === 0 ? <Text color={theme.muted}>probing…</Text> : null}
      {rows.slice(0, Math.max(0, height - 2)).map((key) => {
        const [name = '', status = '', latency = '', ageText = '', detail = '', old = ''] = key.split('\u0000');
        return (
          <Text key={name} wrap="truncate">
            {pad(name, 13)}
            <Text color={old ? theme.stale : (COLOR[status] ?? theme.muted)}>{pad(status, 13)}</Text>
            <Text color={theme.muted}>{`${pad(latency, 7)}${ageText ? ` ${ageText} ago` : ''} ${detail}`}</Text>
          </Text>
        );
      })}
    </Pane>
  );
}
