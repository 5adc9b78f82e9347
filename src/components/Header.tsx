import { hostname } from 'node:os';
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { useApp, useCockpit, useUi } from '../screens/context.js';
import type { ConnState, Target } from '../state/types.js';
import { age, hhmmss } from './format.js';
import { theme } from './theme.js';

const HOST = hostname();

function Badge({ label, conn, now }: { label: string; conn: ConnState; now: number }) {
  const color = conn.status === 'connected' ? theme.ok : conn.status === 'disconnected' ? theme.bad : theme.warn;
  const dot = conn.status === 'connected' ? '●' : conn.status === 'disconnected' ? '✕' : '◌';
  const extra = conn.status === 'connected' ? '' : conn.status === 'reconnecting' ? ` #${conn.attempt ?? 1}` : ` ${age(conn.since, now)}`;
  return (
    <Text color={color}>
      {` ${label}${dot}${extra}`}
    </Text>
  );
}

/** One clock for the header only: the rest of the tree does not re-render every second. */
function useClock(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

export function Header({ narrow }: { narrow: boolean }) {
  const { rt, controller } = useApp();
  const conns = useCockpit((s) => s.connections);
  const armedUntil = useUi((s) => s.armedUntil);
  const now = useClock();
  const targets: Array<[Target, string]> = [
    ['nats', 'NATS'],
    ['docker', 'DOCKER'],
    ['brain', 'BRAIN'],
    ['execution', 'EXEC'],
  ];
  const mode = !controller.actions
    ? { text: ' READ-ONLY ', color: theme.readOnly }
    : armedUntil && armedUntil > now
      ? { text: ` ARMED ${Math.ceil((armedUntil - now) / 1000)}s `, color: theme.armed }
      : { text: ' SAFE ', color: theme.safe };
  return (
    <Box height={1} overflow="hidden">
      <Text bold color={theme.accent}>
        TITAN
      </Text>
      <Text color={theme.muted} wrap="truncate">
        {narrow ? ` ${rt.contract.profile} ${hhmmss(now)}` : ` ${rt.contract.profile} · ${HOST} · op ${rt.operator} · ${hhmmss(now)}`}
      </Text>
      <Box flexGrow={1} />
      {targets.map(([t, label]) => (
        <Badge key={t} label={label} conn={conns[t]} now={now} />
      ))}
      <Text> </Text>
      <Text inverse bold color={mode.color}>
        {mode.text}
      </Text>
    </Box>
  );
}
