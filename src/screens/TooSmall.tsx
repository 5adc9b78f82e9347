import { Box, Text } from 'ink';
import { ConfirmPrompt } from '../components/ConfirmPrompt.js';
import { theme } from '../components/theme.js';

export const MIN_COLS = 60;
export const MIN_ROWS = 16;

/** Below the minimum size: say so, and still show an open prompt (the emergency stop works here). */
export function TooSmall({ cols, rows }: { cols: number; rows: number }) {
  return (
    <Box flexDirection="column" height={rows} width={cols} overflow="hidden">
      <Text color={theme.warn} wrap="truncate">{`too small: need ${MIN_COLS}×${MIN_ROWS}, have ${cols}×${rows}`}</Text>
      <Text color={theme.muted} wrap="truncate">
        ! still opens the emergency stop
      </Text>
      <ConfirmPrompt width={cols} compact />
    </Box>
  );
}
