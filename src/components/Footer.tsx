import { Box, Text } from 'ink';
import { useApp, useCockpit, useUi } from '../screens/context.js';
import { theme } from './theme.js';

const OUTCOME_COLOR = { VERIFIED: theme.ok, NOT_CONFIRMED: theme.warn, FAILED: theme.bad, CANCELLED: theme.muted, RUNNING: theme.accent } as const;
const OUTCOME_TEXT = { VERIFIED: 'VERIFIED', NOT_CONFIRMED: 'SENT BUT NOT CONFIRMED', FAILED: 'FAILED', CANCELLED: 'CANCELLED', RUNNING: 'RUNNING' } as const;

/** The last action's outcome, one channel per line: what the system actually did. */
export function ActionBanner({ maxLines }: { maxLines: number }) {
  const last = useCockpit((s) => s.actions.last);
  if (!last || maxLines <= 0) return null;
  const ms = last.finishedAt ? ` in ${last.finishedAt - last.startedAt} ms` : '';
  return (
    <Box flexDirection="column" overflow="hidden" height={Math.min(maxLines, 1 + last.channels.length + (last.next ? 1 : 0))}>
      <Text color={OUTCOME_COLOR[last.outcome]} bold wrap="truncate">
        {`${last.action.toUpperCase()}: ${OUTCOME_TEXT[last.outcome]}${ms} — ${last.summary}`}
      </Text>
      {last.channels.map((c) => (
        <Text key={c.channel} color={OUTCOME_COLOR[c.outcome]} wrap="truncate">
          {`  ${c.channel}: ${OUTCOME_TEXT[c.outcome]}${c.latencyMs !== undefined ? ` (${c.latencyMs} ms)` : ''} ${c.detail}`}
        </Text>
      ))}
      {last.next ? <Text color={theme.warn} wrap="truncate">{`  next: ${last.next}`}</Text> : null}
    </Box>
  );
}

export function Footer() {
  const { controller } = useApp();
  const notice = useUi((s) => s.notice);
  const armed = useUi((s) => s.armedUntil !== null);
  const auditAlarm = useCockpit((s) => s.audit.alarm);
  const hints = controller.bindings
    .filter((b) => b.footer && b.keys[0])
    .map((b) => ({ key: b.keys[0] as string, label: b.footer as string, off: !!b.needsArm && !armed }));
  return (
    <Box flexDirection="column">
      {auditAlarm ? (
        <Text inverse color={theme.bad} wrap="truncate">
          {` AUDIT ALARM: ${auditAlarm.error} `}
        </Text>
      ) : null}
      {notice ? (
        <Text color={notice.tone === 'error' ? theme.bad : notice.tone === 'warn' ? theme.warn : theme.accent} wrap="truncate">
          {notice.text}
        </Text>
      ) : null}
      <Box height={1} overflow="hidden">
        {hints.map((h) => (
          <Text key={h.label} wrap="truncate">
            <Text color={h.off ? theme.muted : h.label === 'STOP' ? theme.bad : theme.accent} bold>{` ${h.key}`}</Text>
            <Text color={theme.muted}>{` ${h.label}`}</Text>
          </Text>
        ))}
      </Box>
    </Box>
  );
}
