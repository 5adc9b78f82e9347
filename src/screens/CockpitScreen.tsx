import { Box } from 'ink';
import { BreakerPane } from '../components/BreakerPane.js';
import { ContainersPane } from '../components/ContainersPane.js';
import { HaltPane } from '../components/HaltPane.js';
import { HealthPane } from '../components/HealthPane.js';
import { LogsPane } from '../components/LogsPane.js';
import { useCockpit } from './context.js';

/** Wide: status column left, logs right. Narrow (≤ 84 cols): everything stacked, logs last. */
export function CockpitScreen({ height, width, narrow }: { height: number; width: number; narrow: boolean }) {
  const count = useCockpit((s) => s.containers.value.length);
  if (narrow) {
    const containersH = Math.min(Math.max(3, count + 2), Math.max(3, Math.floor(height * 0.3)));
    const statusH = 6;
    const half = Math.floor(width / 2);
    const logsH = Math.max(3, height - containersH - statusH);
    return (
      <Box flexDirection="column" height={height} width={width}>
        <ContainersPane height={containersH} width={width} narrow />
        <Box height={statusH}>
          <HaltPane height={statusH} width={half} />
          <BreakerPane height={statusH} width={width - half} />
        </Box>
        <LogsPane height={logsH} width={width} />
      </Box>
    );
  }
  const leftW = Math.min(64, Math.max(44, Math.floor(width * 0.42)));
  const haltH = 6;
  const breakerH = 5;
  const healthH = 5;
  const containersH = Math.max(3, height - haltH - breakerH - healthH);
  return (
    <Box height={height} width={width}>
      <Box flexDirection="column" width={leftW} height={height}>
        <ContainersPane height={containersH} width={leftW} narrow={false} />
        <HaltPane height={haltH} width={leftW} />
        <BreakerPane height={breakerH} width={leftW} />
        <HealthPane height={healthH} width={leftW} />
      </Box>
      <LogsPane height={height} width={width - leftW} />
    </Box>
  );
}
