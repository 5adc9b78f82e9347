import { hostname } from 'node:os';
import { Box, Text } from 'ink';
import { contextBadge } from '../config/contexts.js';
import { useApp, useCockpit } from '../ui/context.js';
import type { ConnState, Target } from '../state/types.js';
import { age, hhmm, hhmmss } from './format.js';
import { breakerFlag, haltFlag, type SystemFlag } from './system-flags.js';
import { useBreakerView } from './use-breaker.js';
import { useTick } from './use-tick.js';
import { theme } from './theme.js';

const HOST = hostname();

/**
 * A connection badge: "NATS●", "DOCKER✕ 12s", "BRAIN◌ #3", "NATS◐ no answer 7s" (connected, but the
 * server has not answered a ping: frozen or cut off); `compact` drops the age when space is short.
 */
function badge(label: string, conn: ConnState, now: number, compact: boolean): { text: string; color: string } {
  if (conn.status === 'connected' && conn.silentSince !== undefined)
    return { text: ` ${label}◐${compact ? '' : ` no answer ${age(conn.silentSince, now)}`}`, color: theme.warn };
  const color = conn.status === 'connected' ? theme.ok : conn.status === 'disconnected' ? theme.bad : theme.warn;
  const dot = conn.status === 'connected' ? '●' : conn.status === 'disconnected' ? '✕' : '◌';
  const extra =
    conn.status === 'connected' || compact ? '' : conn.status === 'reconnecting' ? ` #${conn.attempt ?? 1}` : ` ${age(conn.since, now)}`;
  return { text: ` ${label}${dot}${extra}`, color };
}

export function Header({ narrow, width }: { narrow: boolean; width: number }) {
  const { rt, controller } = useApp();
  const ctxBadge = contextBadge(rt.context);
  const conns = useCockpit((s) => s.connections);
  const armedUntil = useCockpit((s) => s.armedUntil);
  // Seconds only matter while armed (countdown) or while something is down (ages); otherwise the
  // header redraws once a minute, which keeps an idle cockpit near zero CPU.
  const everyMs =
    (armedUntil !== null && armedUntil > Date.now()) ||
    Object.values(conns).some((c) => c.status !== 'connected' || c.silentSince !== undefined)
      ? 1000
      : 60_000;
  const clock = useTick(everyMs);
  // The clock ticks once a second; the countdown must not read "61s" right after arming for 60.
  const now = Math.max(clock, Date.now());
  const clockText = everyMs === 1000 ? hhmmss(now) : hhmm(now);
  // The system's state beside the cockpit's mode: SAFE only says the cockpit is not armed.
  const execution = rt.contract.containers.execution;
  const halt = useCockpit((s) => haltFlag(s, execution)?.text ?? '');
  const breaker = breakerFlag(useBreakerView());
  const flags: SystemFlag[] = [...(halt ? [{ text: halt, tone: 'bad' as const }] : []), ...(breaker ? [breaker] : [])];
  const flagsWidth = flags.reduce((n, f) => n + f.text.length + 3, 0);
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
  // Badges and mode never shrink (they are the point of the header); the title gives way first,
  // then the badges lose their ages.
  const full = targets.map(([t, label]) => badge(label, conns[t], now, false));
  const fits = full.reduce((n, b) => n + b.text.length, 0) + 1 + flagsWidth + mode.text.length <= width - 12;
  const badges = fits ? full : targets.map(([t, label]) => badge(label, conns[t], now, true));
  return (
    <Box height={1} width={width} overflow="hidden">
      <Box flexGrow={1} flexShrink={1} overflow="hidden">
        <Text wrap="truncate">
          <Text bold color={theme.accent}>
            TITAN
          </Text>
          {/* Contexts (issue #12): the deployment's name in its colour; production inverted. */}
          {ctxBadge ? (
            <Text bold color={ctxBadge.color} inverse={ctxBadge.inverse}>
              {` ${ctxBadge.text.trim()} `}
            </Text>
          ) : null}
          <Text color={theme.muted}>
            {narrow ? ` ${rt.contract.profile} ${clockText}` : ` ${rt.contract.profile} · ${HOST} · op ${rt.operator} · ${clockText}`}
          </Text>
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text>
          {badges.map((b, i) => (
            <Text key={targets[i]?.[0]} color={b.color}>
              {b.text}
            </Text>
          ))}
          <Text> </Text>
          {flags.map((f) => (
            <Text key={f.text}>
              <Text inverse={f.tone === 'bad'} bold color={f.tone === 'bad' ? theme.bad : theme.warn}>{` ${f.text} `}</Text>
              <Text> </Text>
            </Text>
          ))}
          <Text inverse bold color={mode.color}>
            {mode.text}
          </Text>
        </Text>
      </Box>
    </Box>
  );
}
