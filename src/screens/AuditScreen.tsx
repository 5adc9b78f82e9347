import { Box, Text } from 'ink';
import { OUTCOME_COLOR, theme } from '../components/theme.js';
import { useApp, useCockpit, useUi } from '../ui/context.js';

export function AuditScreen({ height }: { height: number }) {
  const { rt } = useApp();
  const recent = useCockpit((s) => s.audit.recent);
  const alarm = useCockpit((s) => s.audit.alarm);
  const offset = useUi((s) => s.auditOffset);
  const rows = Math.max(1, height - 2);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text
        bold
        color={theme.accent}
        wrap="truncate"
      >{`Audit — ${rt.audit.path} · newest first${offset ? ` · ${offset} newer above` : ''} · Esc returns`}</Text>
      {alarm ? <Text color={theme.bad} wrap="truncate">{`AUDIT ALARM: ${alarm.error}`}</Text> : null}
      {recent.length === 0 ? <Text color={theme.muted}>{`no records in ${rt.audit.path}`}</Text> : null}
      {[...recent]
        .reverse()
        .slice(offset, offset + rows)
        .map((e) => (
          <Text key={`${e.id}-${e.time}-${e.outcome}`} wrap="truncate">
            <Text color={theme.muted}>{`${e.time.slice(0, 19).replace('T', ' ')} ${e.operator.padEnd(8)} `}</Text>
            <Text bold>{e.action.padEnd(16)}</Text>
            <Text color={OUTCOME_COLOR[e.outcome]}>{e.outcome.padEnd(14)}</Text>
            <Text color={theme.muted}>{`${e.latencyMs ?? '-'}ms `}</Text>
            {e.error ?? e.channels.map((c) => `${c.channel}:${c.outcome}`).join(' ')}
          </Text>
        ))}
    </Box>
  );
}
