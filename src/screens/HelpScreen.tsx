import { Box, Text } from 'ink';
import { theme } from '../components/theme.js';
import type { Group } from '../keymap/keymap.js';
import { useApp } from './context.js';

const GROUPS: Group[] = ['Emergency', 'Actions', 'Mode', 'Navigation', 'Logs', 'App'];

/** Generated from the keymap: what you see here is exactly what the keys do. */
export function HelpScreen({ height, width }: { height: number; width: number }) {
  const { controller } = useApp();
  const cols = width >= 120 ? 2 : 1;
  const rows: Array<{ group?: Group; key?: string; label?: string; arm?: boolean }> = [];
  for (const g of GROUPS) {
    const bs = controller.bindings.filter((b) => b.group === g && b.keys.length);
    if (!bs.length) continue;
    rows.push({ group: g });
    for (const b of bs) rows.push({ key: b.keys.join(' / '), label: b.label, arm: b.needsArm });
  }
  const per = Math.ceil(rows.length / cols);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold color={theme.accent}>
        {`Help — ${controller.actions ? 'actions need ARM (a, type ARM) except the emergency stop' : 'READ-ONLY: no actions are registered'} · Esc returns`}
      </Text>
      <Box>
        {Array.from({ length: cols }, (_, c) => (
          <Box key={c} flexDirection="column" width={Math.floor(width / cols)}>
            {rows.slice(c * per, (c + 1) * per).map((r, i) =>
              r.group ? (
                <Text key={`g${r.group}`} bold color={r.group === 'Emergency' ? theme.bad : theme.title}>
                  {r.group}
                </Text>
              ) : (
                <Text key={`k${c}-${i}`} wrap="truncate">
                  <Text color={theme.accent}>{`  ${(r.key ?? '').padEnd(14)}`}</Text>
                  {r.label}
                  {r.arm ? <Text color={theme.muted}> (armed)</Text> : null}
                </Text>
              ),
            )}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
