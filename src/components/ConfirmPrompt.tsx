import { Box, Text } from 'ink';
import { useContext } from 'react';
import { confirmAsk } from '../config/contexts.js';
import { AppContext, useUi } from '../ui/context.js';
import { theme } from './theme.js';

/** What a typed confirmation shows: the actions' prompts and the procedures' use the same box. */
export interface ConfirmView {
  title: string;
  lines: string[];
  warning?: string;
  word: string;
  input: string;
  error?: string;
  /** Asking for the optional reason before the word. */
  stage?: 'reason' | 'word';
}

function InputLine({ p }: { p: ConfirmView }) {
  // Contexts (issue #12): a production context is named in every typed confirmation; the word stays.
  const context = useContext(AppContext)?.rt.context ?? null;
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Text wrap="truncate-start">
        <Text color={theme.accent}>
          {p.stage === 'reason' ? 'Reason (optional, Enter to continue): ' : `${confirmAsk(p.word, context)}, Esc to cancel: `}
        </Text>
        {p.input}▌
      </Text>
      {p.error ? (
        <Text color={theme.bad} wrap="truncate">
          {p.error}
        </Text>
      ) : null}
    </Box>
  );
}

/**
 * The typed confirmation: what will happen, a red warning, then the exact word. Esc cancels.
 * The plan lines wrap (the operator must read all of a subject or a path) and give way first
 * when space is short: the title and the input line always show. `compact` (terminal too small)
 * keeps only those.
 */
export function ConfirmPrompt({ width, maxHeight, compact = false }: { width: number; maxHeight?: number; compact?: boolean }) {
  const p = useUi((s) => s.prompt);
  if (!p) return null;
  return <ConfirmBox p={p} width={width} maxHeight={maxHeight} compact={compact} />;
}

export function ConfirmBox({
  p,
  width,
  maxHeight,
  compact = false,
}: {
  p: ConfirmView;
  width: number;
  maxHeight?: number;
  compact?: boolean;
}) {
  if (compact) {
    return (
      <Box flexDirection="column" width={width} flexShrink={0}>
        <Text bold color={theme.bad} wrap="truncate">
          {p.title}
        </Text>
        <InputLine p={p} />
      </Box>
    );
  }
  return (
    <Box
      flexDirection="column"
      borderStyle="double"
      borderColor={theme.bad}
      paddingX={1}
      width={Math.min(width, 100)}
      maxHeight={maxHeight}
      flexShrink={0}
      overflow="hidden"
    >
      <Box flexShrink={0}>
        <Text bold color={theme.bad} wrap="truncate">
          {p.title}
        </Text>
      </Box>
      <Box flexDirection="column" flexShrink={1} overflow="hidden">
        {p.lines.map((l) => (
          <Box key={l} flexShrink={0}>
            <Text>{l}</Text>
          </Box>
        ))}
        {p.warning ? (
          <Box flexShrink={0}>
            <Text bold color={theme.bad}>
              {`WARNING: ${p.warning}`}
            </Text>
          </Box>
        ) : null}
      </Box>
      <InputLine p={p} />
    </Box>
  );
}
