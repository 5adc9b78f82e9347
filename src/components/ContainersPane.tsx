import { Box, Text } from 'ink';
import { isLive } from '../state/conn.js';
import { useCockpit, useUi } from '../ui/context.js';
import type { ContainerInfo } from '../state/types.js';
import { coarseUptime, pad } from './format.js';
import { listWindow } from './list-window.js';
import { useTick } from './use-tick.js';
import { Pane } from './Pane.js';
import { staleLabel } from './stale.js';
import { theme } from './theme.js';

const stateColor = (c: ContainerInfo) =>
  c.state === 'running' ? (c.health === 'unhealthy' ? theme.bad : theme.ok) : c.state === 'restarting' ? theme.warn : theme.bad;

export function ContainersPane({ height, width, narrow }: { height: number; width: number; narrow: boolean }) {
  const containers = useCockpit((s) => s.containers);
  const docker = useCockpit((s) => s.connections.docker);
  const confirmedAt = useCockpit((s) => (isLive(s.connections.docker) ? null : s.confirmed.containers));
  useTick(60_000); // uptimes have minute resolution
  const logsOf = useCockpit((s) => s.logs.container);
  const focused = useUi((s) => s.focus === 'containers' && s.screen === 'cockpit');
  const selected = useUi((s) => s.selected);
  const stale = staleLabel(docker, confirmedAt);
  const rows = Math.max(0, height - 2);
  const list = containers.value;
  const win = listWindow(selected, list.length, rows);
  const start = win.start;
  return (
    <Pane title="Containers" focused={focused} stale={stale} height={height} width={width} right={`${list.length}`}>
      {list.length === 0 ? (
        <Text color={theme.muted}>
          {containers.error ? containers.error : docker.status === 'connected' ? 'no Titan containers' : 'waiting for Docker…'}
        </Text>
      ) : (
        <>
          {win.above ? <Text color={theme.muted}>{`  ↑ ${win.above} more`}</Text> : null}
          {list.slice(win.start, win.end).map((c, i) => {
            const idx = start + i;
            const sel = idx === selected;
            // One string per row: flex never squeezes a column, the name gets what is left.
            const health = c.health === 'healthy' ? '✓' : c.health === 'unhealthy' ? '✗' : c.health === 'starting' ? '~' : ' ';
            const tail = `${pad(c.state, 8)}${health} ${pad(c.state === 'running' ? coarseUptime(c.startedAt) : `exit ${c.exitCode ?? '?'}`, 8)}${narrow ? '' : ` ↻${c.restartCount}`}`;
            const nameW = Math.max(8, width - 4 - tail.length);
            return (
              <Box key={c.id} height={1} overflow="hidden">
                <Text inverse={sel && focused} color={stale ? theme.stale : undefined} wrap="truncate">
                  {`${c.name === logsOf ? '»' : ' '}${pad(c.name, nameW)} `}
                </Text>
                <Text color={stale ? theme.stale : stateColor(c)} wrap="truncate">
                  {tail}
                </Text>
              </Box>
            );
          })}
          {win.below ? <Text color={theme.muted}>{`  ↓ ${win.below} more`}</Text> : null}
        </>
      )}
    </Pane>
  );
}
