/**
 * The system's own state in the header, beside SAFE/ARMED (which is the cockpit's mode, not the
 * system's): HALTED while execution is halted, BREAKER ACTIVE while brain's breaker is tripped,
 * BREAKER ? while the breaker's value is not fresh. Pure: the header renders what these return.
 */
import type { BreakerView } from '../state/breaker.js';
import type { CockpitState } from '../state/store.js';
import type { EvidenceLine } from '../state/types.js';

export interface SystemFlag {
  text: string;
  tone: 'bad' | 'warn';
}

type HaltInputs = Pick<CockpitState, 'haltFile' | 'evidence' | 'containers'>;

/**
 * HALTED when the engine's halt file is present (its own record: set_halt writes it, a start
 * reads it), or when its latest halt/lift log line says halted and was written by the process
 * running now (a restart without the file boots un-halted and logs nothing).
 */
export function haltFlag(s: HaltInputs, execution: string): SystemFlag | null {
  if (s.haltFile.value?.present) return { text: 'HALTED', tone: 'bad' };
  const line = latestHaltOrLift(s.evidence.recent) ?? latestHaltOrLift([s.evidence.execution]);
  if (line?.kind !== 'halt') return null;
  const started = Date.parse(s.containers.value.find((c) => c.name === execution)?.startedAt ?? '');
  const written = line.lineTime ? Date.parse(line.lineTime) : line.at;
  if (Number.isFinite(started) && Number.isFinite(written) && written < started) return null;
  return { text: 'HALTED', tone: 'bad' };
}

function latestHaltOrLift(lines: Array<EvidenceLine | null>): EvidenceLine | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i];
    if (l && l.service === 'execution' && (l.kind === 'halt' || l.kind === 'lift')) return l;
  }
  return null;
}

/**
 * BREAKER ACTIVE only from a fresh reading; BREAKER ? when the value is unknown or too old to be
 * shown as current (state/breaker.ts decides, for the pane, the header, `status` and `doctor`);
 * nothing when fresh and inactive.
 */
export function breakerFlag(view: BreakerView): SystemFlag | null {
  if (view.state === 'unknown') return { text: 'BREAKER ?', tone: 'warn' };
  return view.state === 'active' ? { text: 'BREAKER ACTIVE', tone: 'bad' } : null;
}
