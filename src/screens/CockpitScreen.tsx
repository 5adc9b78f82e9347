import { Box } from 'ink';
import { memo } from 'react';
import { BreakerPane as BreakerPaneAny } from '../components/BreakerPane.js';
import { ContainersPane as ContainersPaneAny } from '../components/ContainersPane.js';
import { HaltPane as HaltPaneAny } from '../components/HaltPane.js';
import { HealthPane as HealthPaneAny } from '../components/HealthPane.js';
import { LogsPane as LogsPaneAny } from '../components/LogsPane.js';
import { useCockpit } from '../ui/context.js';
import { allocate } from '../ui/layout.js';

// Each pane reads the store itself: a new size is the only reason its parent has to draw it again.
const BreakerPane = memo(BreakerPaneAny);
const ContainersPane = memo(ContainersPaneAny);
const HaltPane = memo(HaltPaneAny);
const HealthPane = memo(HealthPaneAny);
const LogsPane = memo(LogsPaneAny);

/** The three probes (brain, brain-status, execution) plus borders. */
const HEALTH_H = 5;

/**
 * Wide: status column left, logs right. Narrow (≤ 84 cols): containers | health, then halt | breaker,
 * then logs. Heights come from allocate(), so the panes always fit the rows they are given.
 */
export const CockpitScreen = memo(function CockpitScreen({
  height,
  width,
  narrow,
  hidden = false,
}: {
  height: number;
  width: number;
  narrow: boolean;
  /** Kept mounted but not drawn (under a prompt or another screen). */
  hidden?: boolean;
}) {
  const display = hidden ? 'none' : 'flex';
  const count = useCockpit((s) => s.containers.value.length);
  if (narrow) {
    const topWant = Math.min(Math.max(HEALTH_H, count + 2), Math.max(HEALTH_H, Math.floor(height * 0.3)));
    // [top row, status row, logs]: the status row first, then the containers, the rest to logs.
    const [topH = 0, statusH = 0, logsH = 0] = allocate(
      height,
      [
        { min: 3, want: topWant },
        { min: 3, want: 6 },
        { min: 3, want: 3 },
      ],
      [1, 0, 2],
      2,
    );
    const half = Math.floor(width / 2);
    // Health keeps room for a probe's name and status (22); containers take the rest, up to 55 %.
    const containersW = width - Math.max(22, width - Math.max(40, Math.floor(width * 0.55)));
    return (
      <Box display={display} flexDirection="column" height={height} width={width} overflow="hidden">
        {topH ? (
          <Box height={topH}>
            <ContainersPane height={topH} width={containersW} narrow />
            <HealthPane height={topH} width={width - containersW} />
          </Box>
        ) : null}
        {statusH ? (
          <Box height={statusH}>
            <HaltPane height={statusH} width={half} />
            <BreakerPane height={statusH} width={width - half} />
          </Box>
        ) : null}
        {logsH ? <LogsPane height={logsH} width={width} /> : null}
      </Box>
    );
  }
  const leftW = Math.min(64, Math.max(44, Math.floor(width * 0.42)));
  // [containers, halt, breaker, health]: halt first, containers take what is left.
  const [containersH = 0, haltH = 0, breakerH = 0, healthH = 0] = allocate(
    height,
    [
      { min: 3, want: 3 },
      { min: 3, want: 6 },
      { min: 3, want: 5 },
      { min: 3, want: HEALTH_H },
    ],
    [1, 2, 3, 0],
    0,
  );
  return (
    <Box display={display} height={height} width={width} overflow="hidden">
      <Box flexDirection="column" width={leftW} height={height} overflow="hidden">
        {containersH ? <ContainersPane height={containersH} width={leftW} narrow={false} /> : null}
        {haltH ? <HaltPane height={haltH} width={leftW} /> : null}
        {breakerH ? <BreakerPane height={breakerH} width={leftW} /> : null}
        {healthH ? <HealthPane height={healthH} width={leftW} /> : null}
      </Box>
      <LogsPane height={height} width={width - leftW} />
    </Box>
  );
});
