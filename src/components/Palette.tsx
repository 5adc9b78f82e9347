import { Box, Text } from 'ink';
import { useApp, useUi } from '../ui/context.js';
import { theme } from './theme.js';

export function Palette({ width, maxHeight = 11 }: { width: number; maxHeight?: number }) {
  const { controller } = useApp();
  const pal = useUi((s) => s.palette);
  if (!pal) return null;
  // Two border lines and the input line; the rest lists matches.
  const all = controller.paletteMatches(pal.input);
  const shown = Math.max(1, Math.min(8, maxHeight - 3));
  // Keep the selected match in the window as ↑/↓ move past the end of it.
  const start = Math.max(0, Math.min(pal.selected - shown + 1, all.length - shown));
  const matches = all.slice(start, start + shown);
  return (
    <Box
      flexDirection="column"
      borderStyle="single"
      borderColor={theme.accent}
      paddingX={1}
      width={Math.min(width, 80)}
      flexShrink={0}
      overflow="hidden"
    >
      <Text wrap="truncate">
        <Text color={theme.accent}>:</Text>
        {pal.input}▌<Text color={theme.muted}> (Tab completes, Enter runs, Esc closes)</Text>
      </Text>
      {matches.map((m, i) => (
        <Text key={m.name} inverse={start + i === pal.selected} wrap="truncate">
          {`${m.name.padEnd(16)} ${m.label}`}
        </Text>
      ))}
      {matches.length === 0 ? <Text color={theme.muted}>no matching command</Text> : null}
      {pal.candidates && pal.candidates.length > 1 ? (
        <Text color={theme.warn} wrap="truncate">{`${pal.candidates.length} fit, type more: ${pal.candidates.join('  ')}`}</Text>
      ) : null}
    </Box>
  );
}
