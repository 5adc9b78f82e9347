import { Box, Text } from 'ink';
import { emergencyStopAvailable, evaluateReadiness } from '../actions/readiness.js';
import { useApp, useCockpit } from '../ui/context.js';
import { theme } from './theme.js';

/**
 * One line: can each stop path work right now? Red where it would fail.
 * One outer Text: Ink shrinks sibling Texts in a row independently, which cut every label in half.
 */
export function Readiness() {
  const { controller } = useApp();
  // Read-only registers no action: saying STOP READY there would be a claim the cockpit cannot keep.
  if (!controller.actions)
    return (
      <Box height={1} overflow="hidden">
        <Text wrap="truncate">
          <Text color={theme.readOnly} bold>
            READ-ONLY{'  '}
          </Text>
          <Text color={theme.muted}>no actions from this cockpit, the emergency stop included (--read-only / readOnly: true)</Text>
        </Text>
      </Box>
    );
  return <StopPaths />;
}

/** The stop paths and their state (an armable cockpit only). */
function StopPaths() {
  const { rt } = useApp();
  // Every input of evaluateReadiness: a check that answers later must redraw the line.
  const connections = useCockpit((s) => s.connections);
  const containers = useCockpit((s) => s.containers);
  const denied = useCockpit((s) => s.bus.denied);
  const checks = useCockpit((s) => s.checks);
  const paths = evaluateReadiness(
    { ...rt.store.getState(), connections, containers, checks, bus: { ...rt.store.getState().bus, denied } },
    rt.contract,
    rt.config,
  );
  const any = emergencyStopAvailable(paths);
  // Not one path works, but one could not be checked: that is not a known "no stop path".
  const unverified = !any && paths.some((p) => p.id !== 'breaker-reset' && p.state === 'unverified');
  const firstBad = paths.find((p) => !p.ok);
  const mark = { ok: '✓', fail: '✗', unverified: '?' } as const;
  const color = { ok: theme.ok, fail: theme.bad, unverified: theme.warn } as const;
  return (
    <Box height={1} overflow="hidden">
      <Text wrap="truncate">
        <Text color={any ? theme.ok : unverified ? theme.warn : theme.bad} bold>
          {any ? 'STOP READY  ' : unverified ? 'STOP UNVERIFIED  ' : 'NO STOP PATH  '}
        </Text>
        {paths.map((p, i) => (
          <Text key={p.id} color={color[p.state]}>{`${i ? '  ' : ''}${mark[p.state]} ${p.label}`}</Text>
        ))}
        {firstBad ? <Text color={theme.muted}>{`  (${firstBad.label}: ${firstBad.detail})`}</Text> : null}
      </Text>
    </Box>
  );
}
