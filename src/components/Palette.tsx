import { Box, Text } from 'ink';
import { useApp, useUi } from '../screens/context.js';
import { theme } from './theme.js';

export function Palette({ width }: { width: number }) {
  const { controller } = useApp();
  const pal = useUi((s) => s.palette);
  if (!pal) return null;
  const matches = controller.paletteMatches(pal.input).slice(0, 8);
  return (
    <Box flexDirection="column" borderStyle="single" borderColor={theme.accent} paddingX={1} width={Math.min(width, 80)}>
      <Text>
        <Text color={theme.accent}>:</Text>
        {pal.input}▌<Text color={theme.muted}> (Tab completes, Enter runs, Esc closes)</Text>
      </Text>
      {matches.map((m, i) => (
        <Text key={m.name} inverse={i === pal.selected} wrap="truncate">
          {`${m.name.padEnd(16)} ${m.label}`}
        </Text>
      ))}
      {matches.length === 0 ? <Text color={theme.muted}>no matching command</Text> : null}
    </Box>
  );
}
