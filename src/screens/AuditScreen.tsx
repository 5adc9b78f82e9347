import { Box, Text } from 'ink';
import { pad } from '../components/format.js';
import { OUTCOME_COLOR, theme } from '../components/theme.js';
import { useApp, useCockpit, useUi } from '../ui/context.js';

export function AuditScreen({ height }: { height: number }) {
  const { rt } = useApp();
  const recent = useCockpit((s) => s.audit.recent);
  const alarm = useCockpit((s) => s.audit.alarm);
  const offset = useUi((s) => s.auditOffset);
  const rows = Math.max(1, height - 2);
  const shown = [...recent].reverse().slice(offset, offset + rows);
  // As wide as the longest action shown (procedures are `run:NAME`), within limits: the outcome
  // column never runs into the action's name.
  const actionWidth = Math.min(ACTION_MAX, Math.max(ACTION_MIN, ...shown.map((e) => e.action.length)));
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text
        bold
        color={theme.accent}
        wrap="truncate"
      >{`Audit — ${rt.audit.path} · newest first${offset ? ` · ${offset} newer above` : ''} · Esc returns`}</Text>
      {alarm ? <Text color={theme.bad} wrap="truncate">{`AUDIT ALARM: ${alarm.error}`}</Text> : null}
      {recent.length === 0 ? <Text color={theme.muted}>{`no records in ${rt.audit.path}`}</Text> : null}
      {shown.map((e) => (
        <Text key={`${e.id}-${e.time}-${e.outcome}`} wrap="truncate">
          <Text color={theme.muted}>{`${e.time.slice(0, 19).replace('T', ' ')} ${e.operator.padEnd(8)} `}</Text>
          <Text bold>{`${pad(e.action, actionWidth)} `}</Text>
          <Text color={OUTCOME_COLOR[e.outcome]}>{e.outcome.padEnd(14)}</Text>
          <Text color={theme.muted}>{`${e.latencyMs ?? '-'}ms `}</Text>
          {e.error ?? e.channels.map((c) => `${c.channel}:${c.outcome}`).join(' ')}
        </Text>
      ))}
    </Box>
  );
}

const ACTION_MIN = 15;
const ACTION_MAX = 32;
