import { Box, Text } from 'ink';
import { DRY_RUN_KEY } from '../procedures/session.js';
import { useApp, useCockpit, useUi } from '../ui/context.js';
import type { Screen } from '../ui/ui-store.js';
import { bannerRows } from './banner-rows.js';
import { OUTCOME_COLOR, theme } from './theme.js';

/**
 * The last action's outcome: what the system actually did, each channel's evidence, and the next
 * step, wrapped to the width (banner-rows.ts decides what fits; the next step is never cut).
 */
export function ActionBanner({ maxLines, width }: { maxLines: number; width: number }) {
  const last = useCockpit((s) => s.actions.last);
  const rows = bannerRows(last, width, maxLines);
  if (rows.length === 0) return null;
  return (
    <Box flexDirection="column" flexShrink={0} overflow="hidden" height={rows.length}>
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in a wrapped text
        <Text key={i} color={r.tone === 'next' ? theme.warn : OUTCOME_COLOR[r.tone]} bold={i === 0} wrap="truncate">
          {r.text}
        </Text>
      ))}
    </Box>
  );
}

/** Footer hints that fit `width`, whole: the least needed go first (the help screen lists them all). */
export function fitHints<T extends { key: string; label: string }>(hints: T[], width: number): T[] {
  const keep = new Set(['STOP', 'help', 'quit', 'cmd', 'arm', 'back']);
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

/** The labels of keys that work on every screen. */
const GLOBAL_HINTS = new Set(['STOP', 'arm', 'help', 'cmd', 'quit']);

const SCREEN_HINTS: Record<Exclude<Screen, 'cockpit'>, Array<{ key: string; label: string; off: boolean }>> = {
  procedures: [
    { key: 'enter', label: 'run', off: false },
    { key: DRY_RUN_KEY, label: 'dry run', off: false },
    { key: 'x', label: 'cancel run', off: false },
    { key: 'tab', label: 'step', off: false },
    { key: 'esc', label: 'back', off: false },
  ],
  audit: [
    { key: '↑↓', label: 'scroll', off: false },
    { key: 'esc', label: 'back', off: false },
  ],
  help: [
    { key: '↑↓', label: 'page', off: false },
    { key: 'esc', label: 'back', off: false },
  ],
};

export function Footer({ width }: { width: number }) {
  const { controller } = useApp();
  const notice = useUi((s) => s.notice);
  const armed = useCockpit((s) => s.armedUntil !== null);
  const auditAlarm = useCockpit((s) => s.audit.alarm);
  const screen = useUi((s) => s.screen);
  const all = controller.bindings
    .filter((b) => b.footer && b.keys[0])
    .map((b) => ({ key: b.keys[0] as string, label: b.footer as string, off: !!b.needsArm && !armed }));
  // Off the cockpit, the footer lists that screen's own keys and the global ones, never the
  // cockpit's pane keys (they do nothing there).
  const hints = fitHints(screen === 'cockpit' ? all : [...SCREEN_HINTS[screen], ...all.filter((h) => GLOBAL_HINTS.has(h.label))], width);
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
