import { Text } from 'ink';
import { useCockpit } from '../ui/context.js';
// Brain's strings come from the network: no control bytes to the terminal.
import { printable } from '../text/safe-text.js';
import type { BreakerStatus } from '../state/types.js';
import { hhmmss, timeOf } from './format.js';
import { Pane } from './Pane.js';
import { staleLabel } from './stale.js';
import { theme } from './theme.js';
import { useBreakerView } from './use-breaker.js';

const SOURCE = { status: '/status', dashboard: 'dashboard' } as const;

function Details({ b }: { b: BreakerStatus }) {
  return (
    <>
      <Text color={theme.muted} wrap="truncate">
        {b.active ? `reason: ${printable(b.reason ?? '-', 300)}` : `last trip: ${timeOf(b.lastTripTime)}`}
      </Text>
      <Text color={theme.muted} wrap="truncate">
        {`since ${timeOf(b.triggeredAt)}  cooldown ${b.cooldownEndsAt ? timeOf(b.cooldownEndsAt) : '-'}  trips ${b.tripCount ?? 0}`}
      </Text>
    </>
  );
}

/** The breaker, fresh or UNKNOWN: a reading older than its limit is never shown as current. */
export function BreakerPane({ height, width }: { height: number; width: number }) {
  const view = useBreakerView();
  const down = useCockpit((s) => staleLabel(s.connections.brain, s.confirmed.breaker));
  if (view.state === 'unknown') {
    const last = view.last;
    return (
      <Pane
        title="Circuit breaker"
        stale={down}
        height={height}
        width={width}
        right={last ? `last from ${SOURCE[last.source]}` : undefined}
      >
        <Text bold color={theme.stale} wrap="truncate">
          UNKNOWN
        </Text>
        <Text color={theme.muted} wrap="truncate">
          {printable(view.why, 200)}
        </Text>
        {last ? (
          <Text color={theme.muted} wrap="truncate">
            {`last known: ${last.status.active ? `ACTIVE ${printable(`${last.status.type ?? ''}`, 20)}` : 'inactive'}${last.dataAt ? ` as of ${hhmmss(last.dataAt)}` : ''}`}
          </Text>
        ) : null}
      </Pane>
    );
  }
  const b = view.status;
  return (
    <Pane title="Circuit breaker" stale={down} height={height} width={width} right={`from ${SOURCE[view.source]}`}>
      <Text bold color={b.active ? theme.bad : theme.ok} wrap="truncate">
        {b.active ? `ACTIVE ${printable(`${b.type ?? ''} ${b.action ?? ''}`, 80)}` : 'inactive'}
      </Text>
      <Details b={b} />
    </Pane>
  );
}
