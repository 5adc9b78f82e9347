/** `titan-tui doctor`: can the emergency stop work right now, and can the audit log record it? */
import { doctorExitCode, evaluateReadiness, type PathState, type StopPath } from '../actions/readiness.js';
import type { Runtime } from '../runtime.js';
import { printable } from '../text/safe-text.js';
import type { Writer } from './output.js';

const STATE_WORD: Record<PathState, string> = { ok: 'ok', fail: 'FAIL', unverified: 'UNVERIFIED' };
const VERDICT: Record<0 | 1 | 4, string> = {
  0: 'emergency stop: every path is ready',
  1: 'emergency stop: NO verified path, or execution is not running',
  4: 'emergency stop: a path works, but not every path is ready or verifiable (exit 4)',
};

/**
 * Runs the side-effect-free checks (publish permission, brain credentials) once more, then reports
 * every path. Exit 0 all ready; 1 no stop path verified or execution not running; 4 degraded.
 * A broken audit log is shown (and raises the alarm) but stops nothing.
 */
export async function doctorCommand(rt: Runtime, w: Writer, json: boolean): Promise<number> {
  await rt.checks.run();
  const state = rt.store.getState();
  const paths: StopPath[] = evaluateReadiness(state, rt.contract, rt.config);
  const code = doctorExitCode(paths, state, rt.contract);
  const audit = rt.audit.check();
  if (json) w.json({ emergencyStop: code !== 1, exitCode: code, paths, audit });
  else {
    w.out('PATH            STATE       DETAIL');
    for (const p of paths) w.out(`${p.label.padEnd(15)} ${STATE_WORD[p.state].padEnd(11)} ${printable(p.detail, 200)}`);
    w.out(`${'audit log'.padEnd(15)} ${(audit.ok ? 'ok' : 'FAIL').padEnd(11)} ${printable(audit.detail, 200)}`);
    w.out(VERDICT[code]);
  }
  if (!audit.ok) w.problem(`AUDIT ALARM: ${audit.detail}`);
  return code;
}
