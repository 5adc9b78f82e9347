import { Box, Text } from 'ink';
import { useApp, useCockpit, useUi } from '../screens/context.js';
import { OUTCOME_COLOR, OUTCOME_TEXT, theme } from './theme.js';

/**
 * The last action's outcome, one channel per line: what the system actually did. When the lines
 * do not all fit, the suggested next step keeps its line and the headline counts the hidden channels.
 */
export function ActionBanner({ maxLines }: { maxLines: number }) {
  const last = useCockpit((s) => s.actions.last);
  if (!last || maxLines <= 0) return null;
  const ms = last.finishedAt ? ` in ${last.finishedAt - last.startedAt} ms` : '';
  const nextLine = last.next && maxLines >= 2 ? 1 : 0;
  const channels = last.channels.slice(0, Math.max(0, maxLines - 1 - nextLine));
  const hidden = last.channels.length - channels.length;
  return (
    <Box flexDirection="column" flexShrink={0} overflow="hidden" height={1 + channels.length + nextLine}>
      <Text color={OUTCOME_COLOR[last.outcome]} bold wrap="truncate">
        {`${last.action.toUpperCase()}: ${OUTCOME_TEXT[last.outcome]}${ms}${hidden ? ` (+${hidden} more channel${hidden > 1 ? 's' : ''}, A: audit)` : ''} — ${last.summary}`}
      </Text>
      {channels.map((c) => (
        <Text key={c.channel} color={OUTCOME_COLOR[c.outcome]} wrap="truncate">
          {`  ${c.channel}: ${OUTCOME_TEXT[c.outcome]}${c.latencyMs !== undefined ? ` (${c.latencyMs} ms)` : ''} ${c.detail}`}
        </Text>
      ))}
      {nextLine ? <Text color={theme.warn} wrap="truncate">{`  next: ${last.next}`}</Text> : null}
    </Box>
  );
}

/** Footer hints that fit `width`, whole: the least needed go first (the help screen lists them all). */
export function fitHints<T extends { key: string; label: string }>(hints: T[], width: number): T[] {
  const keep = new Set(['STOP', 'help', 'quit', 'cmd', 'arm']);
  const cost = (h: T) => h.key.length + h.label.length + 2;
  const out = [...hints];
  let total = out.reduce((n, h) => n + cost(h), 0);
  for (let i = out.length - 1; i >= 0 && total > width; i--) {
    const h = out[i] as T;
    if (keep.has(h.label)) continue;
    out.splice(i, 1);
    total -= cost(h);
  }
  return out;
}

export function Footer({ width }: { width: number }) {
  const { controller } = useApp();
  const notice = useUi((s) => s.notice);
  const armed = useUi((s) => s.armedUntil !== null);
  const auditAlarm = useCockpit((s) => s.audit.alarm);
  const hints = fitHints(
    controller.bindings
      .filter((b) => b.footer && b.keys[0])
      .map((b) => ({ key: b.keys[0] as string, label: b.footer as string, off: !!b.needsArm && !armed })),
    width,
  );
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
        <Text wrap="truncate">
          {hints.map((h) => (
            <Text key={h.label}>
              <Text color={h.off ? theme.muted : h.label === 'STOP' ? theme.bad : theme.accent} bold>{` ${h.key}`}</Text>
              <Text color={theme.muted}>{` ${h.label}`}</Text>
            </Text>
          ))}
        </Text>
      </Box>
    </Box>
  );
}
