import { Text } from 'ink';
import { isLive } from '../state/conn.js';
import { useApp, useCockpit } from '../ui/context.js';
// The halt file is written by whoever can reach the container: no control bytes to the terminal.
import { printable } from '../text/safe-text.js';
import { hhmmss } from './format.js';
import { Pane } from './Pane.js';
import { staleLabel } from './stale.js';
import { OUTCOME_COLOR, theme } from './theme.js';

/** The execution halt as the system reports it: the engine's halt file and its log lines. */
export function HaltPane({ height, width }: { height: number; width: number }) {
  const { rt } = useApp();
  const file = useCockpit((s) => s.haltFile);
  const confirmedAt = useCockpit((s) => (s.haltFile.error || !isLive(s.connections.docker) ? s.confirmed.haltFile : null));
  const docker = useCockpit((s) => s.connections.docker);
  const line = useCockpit((s) => s.evidence.execution);
  const last = useCockpit((s) => s.actions.last);
  const stale =
    file.error && file.errorAt && (!confirmedAt || file.errorAt > confirmedAt)
      ? `as of ${confirmedAt ? hhmmss(confirmedAt) : '—'} · ${file.error.slice(0, 50)}`
      : staleLabel(docker, confirmedAt);
  const v = file.value;
  const state =
    v === null
      ? { text: 'UNKNOWN (halt file not read yet)', color: theme.muted }
      : v.present
        ? { text: 'HALTED — halt file present', color: theme.bad }
        : { text: 'not halted — no halt file', color: theme.ok };
  return (
    <Pane title="Execution halt" stale={stale} height={height} width={width}>
      <Text bold color={stale ? theme.stale : state.color} wrap="truncate">
        {state.text}
      </Text>
      <Text color={theme.muted} wrap="truncate">
        {v?.present ? `file ${rt.contract.haltFile.path}: "${printable(v.content ?? '', 200)}"` : `file ${rt.contract.haltFile.path}`}
      </Text>
      <Text color={line ? (line.kind === 'halt' ? theme.bad : line.kind === 'lift' ? theme.ok : theme.warn) : theme.muted} wrap="truncate">
        {line ? `log ${hhmmss(line.at)} ${line.text}` : 'log: no halt/lift line seen since start'}
      </Text>
      <Text color={last ? OUTCOME_COLOR[last.outcome] : theme.muted} wrap="truncate">
        {last ? `last: ${last.action} ${last.outcome} ${last.summary}` : 'last command: none'}
      </Text>
    </Pane>
  );
}
