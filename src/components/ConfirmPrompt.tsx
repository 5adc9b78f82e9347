import { Box, Text } from 'ink';
import { useUi } from '../screens/context.js';
import { theme } from './theme.js';

/** The typed confirmation: what will happen, a red warning, then the exact word. Esc cancels. */
export function ConfirmPrompt({ width }: { width: number }) {
  const p = useUi((s) => s.prompt);
  if (!p) return null;
  return (
    <Box flexDirection="column" borderStyle="double" borderColor={theme.bad} paddingX={1} width={Math.min(width, 100)}>
      <Text bold color={theme.bad}>
        {p.title}
      </Text>
      {p.lines.map((l) => (
        <Text key={l} wrap="truncate">
          {l}
        </Text>
      ))}
      {p.warning ? (
        <Text bold color={theme.bad}>
          {`WARNING: ${p.warning}`}
        </Text>
      ) : null}
      {p.stage === 'reason' ? (
        <Text>
          <Text color={theme.accent}>Reason (optional, Enter to continue): </Text>
          {p.input}▌
        </Text>
      ) : (
        <Text>
          <Text color={theme.accent}>{`Type ${p.word} to confirm, Esc to cancel: `}</Text>
          {p.input}▌
        </Text>
      )}
      {p.error ? <Text color={theme.bad}>{p.error}</Text> : null}
    </Box>
  );
}
