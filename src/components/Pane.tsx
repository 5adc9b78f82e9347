import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { theme } from './theme.js';

/** Cuts a plain string to `n` columns (panes only put ASCII-ish titles here). */
const cut = (s: string, n: number) => (n <= 0 ? '' : s.length > n ? `${s.slice(0, Math.max(0, n - 1))}…` : s);

/**
 * A bordered pane whose top edge carries the title, the right-hand info and, when the source is
 * down, "as of HH:MM:SS" in place of the info. The top edge is drawn as text so the title always
 * shows (Ink draws borders after children, so an overlapping title would be painted over).
 */
export function Pane(props: {
  title: string;
  focused?: boolean;
  stale?: string | null;
  height?: number;
  width: number;
  children: ReactNode;
  right?: string;
}) {
  const color = props.stale ? theme.stale : props.focused ? theme.accent : theme.muted;
  const inner = Math.max(0, props.width - 2);
  const title = cut(` ${props.title} `, inner);
  const info = props.stale ?? props.right ?? '';
  const infoText = info ? cut(` ${info} `, Math.max(0, inner - title.length - 1)) : '';
  const fill = Math.max(0, inner - title.length - infoText.length);
  return (
    <Box flexDirection="column" height={props.height} width={props.width} overflow="hidden">
      <Text wrap="truncate">
        <Text color={color}>┌</Text>
        <Text color={props.focused ? theme.accent : theme.title} bold>
          {title}
        </Text>
        <Text color={color}>{'─'.repeat(Math.max(0, fill - 1))}</Text>
        <Text color={props.stale ? theme.warn : theme.muted}>{infoText}</Text>
        <Text color={color}>{fill > 0 ? '─┐' : '┐'}</Text>
      </Text>
      <Box flexDirection="column" borderStyle="single" borderTop={false} borderColor={color} flexGrow={1} overflow="hidden">
        {/* Content keeps its natural height and is clipped: rows squeezed by flex would overlap. */}
        <Box flexDirection="column" flexShrink={0}>
          {props.children}
        </Box>
      </Box>
    </Box>
  );
}
