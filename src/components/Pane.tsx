import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { theme } from './theme.js';

/** A bordered pane with a title; greyed with "as of" when its source is down. */
export function Pane(props: { title: string; focused?: boolean; stale?: string | null; height?: number; width?: number | string; flexGrow?: number; children: ReactNode; right?: string }) {
  const color = props.stale ? theme.stale : props.focused ? theme.accent : theme.muted;
  return (
    <Box flexDirection="column" borderStyle="single" borderColor={color} height={props.height} width={props.width} flexGrow={props.flexGrow} overflow="hidden">
      <Box marginTop={-1} marginLeft={1} height={1} overflow="hidden">
        <Text color={props.focused ? theme.accent : theme.title} bold wrap="truncate">
          {` ${props.title} `}
        </Text>
        {props.right ? <Text color={theme.muted} wrap="truncate">{` ${props.right} `}</Text> : null}
        {props.stale ? <Text color={theme.warn} wrap="truncate">{` ${props.stale} `}</Text> : null}
      </Box>
      {props.children}
    </Box>
  );
}
