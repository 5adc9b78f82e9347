import { Text } from 'ink';
import { useCockpit } from '../screens/context.js';
// Brain's strings come from the network: no control bytes to the terminal.
import { printable } from '../services/bus/text.js';
import { timeOf } from './format.js';
import { Pane } from './Pane.js';
import { staleLabel } from './stale.js';
import { theme } from './theme.js';

export function BreakerPane({ height, width }: { height: number; width: number }) {
  const breaker = useCockpit((s) => s.breaker);
  const down = useCockpit((s) => staleLabel(s.connections.brain, s.confirmed.breaker));
  const stale = down ?? (breaker.source === 'dashboard' ? 'from dashboard (cached up to 60 s)' : null);
  const b = breaker.value;
  return (
    <Pane
      title="Circuit breaker"
      stale={stale}
      height={height}
      width={width}
      right={breaker.source ? `from ${breaker.source === 'status' ? '/status' : 'dashboard'}` : undefined}
    >
      {!b ? (
        <Text color={theme.muted}>{breaker.error ?? 'waiting for brain /status…'}</Text>
      ) : (
        <>
          <Text bold color={stale && breaker.source !== 'dashboard' ? theme.stale : b.active ? theme.bad : theme.ok} wrap="truncate">
            {b.active ? `ACTIVE ${printable(`${b.type ?? ''} ${b.action ?? ''}`, 80)}` : 'inactive'}
          </Text>
          <Text color={theme.muted} wrap="truncate">
            {b.active ? `reason: ${printable(b.reason ?? '-', 300)}` : `last trip: ${timeOf(b.lastTripTime)}`}
          </Text>
          <Text color={theme.muted} wrap="truncate">
            {`since ${timeOf(b.triggeredAt)}  cooldown ${b.cooldownEndsAt ? timeOf(b.cooldownEndsAt) : '-'}  trips ${b.tripCount ?? 0}`}
          </Text>
        </>
      )}
    </Pane>
  );
}
