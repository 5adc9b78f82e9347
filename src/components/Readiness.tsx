import { Box, Text } from 'ink';
import { emergencyStopAvailable, evaluateReadiness } from '../actions/readiness.js';
import { useApp, useCockpit } from '../screens/context.js';
import { theme } from './theme.js';

/**
 * One line: can each stop path work right now? Red where it would fail.
 * One outer Text: Ink shrinks sibling Texts in a row independently, which cut every label in half.
 */
export function Readiness() {
  const { rt } = useApp();
  const connections = useCockpit((s) => s.connections);
  const containers = useCockpit((s) => s.containers);
  const denied = useCockpit((s) => s.bus.denied);
  const paths = evaluateReadiness(
    { ...rt.store.getState(), connections, containers, bus: { ...rt.store.getState().bus, denied } },
    rt.contract,
    rt.config,
  );
  const any = emergencyStopAvailable(paths);
  const firstBad = paths.find((p) => !p.ok);
  return (
    <Box height={1} overflow="hidden">
      <Text wrap="truncate">
        <Text color={any ? theme.ok : theme.bad} bold>
          {any ? 'STOP READY  ' : 'NO STOP PATH  '}
        </Text>
        {paths.map((p, i) => (
          <Text key={p.id} color={p.ok ? theme.ok : theme.bad}>{`${i ? '  ' : ''}${p.ok ? '✓' : '✗'} ${p.label}`}</Text>
        ))}
        {firstBad ? <Text color={theme.muted}>{`  (${firstBad.label}: ${firstBad.detail})`}</Text> : null}
      </Text>
    </Box>
  );
}
