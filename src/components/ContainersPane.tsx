import { Box, Text } from 'ink';
import { useCockpit, useUi } from '../screens/context.js';
import type { ContainerInfo } from '../state/types.js';
import { pad, uptime } from './format.js';
import { Pane } from './Pane.js';
import { staleLabel } from './stale.js';
import { theme } from './theme.js';

const stateColor = (c: ContainerInfo) => (c.state === 'running' ? (c.health === 'unhealthy' ? theme.bad : theme.ok) : c.state === 'restarting' ? theme.warn : theme.bad);

export function ContainersPane({ height, width, narrow }: { height: number; width: number; narrow: boolean }) {
  const containers = useCockpit((s) => s.containers);
  const docker = useCockpit((s) => s.connections.docker);
  const logsOf = useCockpit((s) => s.logs.container);
  const focused = useUi((s) => s.focus === 'containers' && s.screen === 'cockpit');
  const selected = useUi((s) => s.selected);
  const stale = staleLabel(docker, containers.at);
  const rows = Math.max(0, height - 2);
  const list = containers.value;
  const start = Math.max(0, Math.min(selected - rows + 1, list.length - rows));
  const nameW = Math.max(10, Math.min(24, width - (narrow ? 24 : 36)));
  return (
    <Pane title="Containers" focused={focused} stale={stale} height={height} width={width} right={`${list.length}`}>
      {list.length === 0 ? (
        <Text color={theme.muted}>{containers.error ? containers.error : docker.status === 'connected' ? 'no Titan containers' : 'waiting for Docker…'}</Text>
      ) : (
        list.slice(start, start + rows).map((c, i) => {
          const idx = start + i;
          const sel = idx === selected;
          return (
            <Box key={c.id} height={1} overflow="hidden">
              <Text inverse={sel && focused} color={stale ? theme.stale : undefined} wrap="truncate">
                {`${c.name === logsOf ? '»' : ' '}${pad(c.name, nameW)} `}
              </Text>
              <Text color={stale ? theme.stale : stateColor(c)} wrap="truncate">
                {pad(c.state, 8)}
                {narrow ? '' : ` ${pad(c.health === 'none' ? '-' : c.health, 9)}`}
              </Text>
              <Text color={stale ? theme.stale : theme.muted} wrap="truncate">
                {` ${pad(c.state === 'running' ? uptime(c.startedAt) : `exit ${c.exitCode ?? '?'}`, 7)}${narrow ? '' : ` ↻${c.restartCount}`}`}
              </Text>
            </Box>
          );
        })
      )}
    </Pane>
  );
}
