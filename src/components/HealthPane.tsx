import { Text } from 'ink';
import { useCockpit } from '../screens/context.js';
import { age, pad } from './format.js';
import { Pane } from './Pane.js';
import { theme } from './theme.js';

const COLOR: Record<string, string> = { healthy: theme.ok, degraded: theme.warn, unhealthy: theme.bad, timeout: theme.bad, refused: theme.bad, unauthorized: theme.bad, error: theme.bad };

export function HealthPane({ height, width }: { height: number; width: number }) {
  const probes = useCockpit((s) => s.probes);
  const list = Object.values(probes).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <Pane title="Health" height={height} width={width}>
      {list.length === 0 ? <Text color={theme.muted}>probing…</Text> : null}
      {list.slice(0, Math.max(0, height - 2)).map((p) => {
        const old = Date.now() - p.at > 10_000;
        return (
          <Text key={p.name} wrap="truncate">
            {pad(p.name, 13)}
            <Text color={old ? theme.stale : (COLOR[p.status] ?? theme.muted)}>{pad(p.status, 13)}</Text>
            <Text color={theme.muted}>{`${pad(`${p.latencyMs}ms`, 7)} ${pad(age(p.at), 5)} ${p.detail ?? ''}`}</Text>
          </Text>
        );
      })}
    </Pane>
  );
}
