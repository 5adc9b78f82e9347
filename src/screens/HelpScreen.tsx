import { Box, Text } from 'ink';
import { theme } from '../components/theme.js';
import { useApp, useUi } from '../ui/context.js';
import { helpGrid, helpRows } from '../ui/help-layout.js';

/** Generated from the keymap: what you see here is exactly what the keys do. Pages when it does not fit. */
export function HelpScreen({ height, width }: { height: number; width: number }) {
  const { controller } = useApp();
  const requested = useUi((s) => s.helpPage);
  const rows = helpRows(controller.bindings);
  const { cols, perCol, pages } = helpGrid(rows.length, width, height);
  const page = Math.max(0, Math.min(pages - 1, requested));
  const shown = rows.slice(page * cols * perCol, (page + 1) * cols * perCol);
  const colW = Math.floor(width / cols);
  const keyW = Math.min(18, Math.max(...rows.map((r) => r.key?.length ?? 0)) + 1);
  const paging = pages > 1 ? ` · page ${page + 1}/${pages} ↓/↑` : '';
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      <Box height={1} flexShrink={0} overflow="hidden">
        <Text bold color={theme.accent} wrap="truncate">
          {`Help${paging} · Esc returns · ${controller.actions ? 'actions need ARM (a, type ARM) except the emergency stop' : 'READ-ONLY: no actions are registered'}`}
        </Text>
      </Box>
      <Box flexShrink={0}>
        {Array.from({ length: cols }, (_, c) => ({ c, column: shown.slice(c * perCol, (c + 1) * perCol) })).map(({ c, column }) => (
          // Columns are places on the page: a short list leaves several empty, so their index is their key.
          <Box key={`column-${c}`} flexDirection="column" width={colW} flexShrink={0}>
            {column.map((r) => (
              // Each row keeps its line: shrinking Text rows in a full column makes them overlap.
              <Box key={r.group ?? `${r.key}:${r.label}`} height={1} flexShrink={0} overflow="hidden">
                {r.group ? (
                  <Text bold color={r.group === 'Emergency' ? theme.bad : theme.title} wrap="truncate">
                    {r.group}
                  </Text>
                ) : (
                  <Text wrap="truncate">
                    <Text color={theme.accent}>{`  ${(r.key ?? '').padEnd(keyW)}`}</Text>
                    {r.label}
                    {r.arm ? <Text color={theme.muted}> (armed)</Text> : null}
                  </Text>
                )}
              </Box>
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
