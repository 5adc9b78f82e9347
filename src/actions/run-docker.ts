import { stopAndVerify, waitHealthy } from '../domain/containers.js';
import type { ActionReport } from '../state/types.js';
import { waitForEvidence } from './evidence.js';
import type { ReportBuilder } from './report.js';
import type { ActionDeps } from './types.js';

/** Stop one container and verify it reached a stopped state (domain/containers.ts judges). */
async function stopChannel(deps: ActionDeps, b: ReportBuilder, name: string): Promise<boolean> {
  const channel = `stop ${name}`;
  b.channel({ channel, outcome: 'RUNNING', detail: `docker stop ${name}` });
  const v = await stopAndVerify(deps, name);
  if (!v.ok) {
    b.channel({ channel, outcome: v.sent ? 'NOT_CONFIRMED' : 'FAILED', detail: v.detail });
    return false;
  }
  b.channel({ channel, outcome: 'VERIFIED', detail: v.detail, latencyMs: b.since() });
  return true;
}

export async function runKill(deps: ActionDeps, b: ReportBuilder): Promise<ActionReport> {
  const exec = deps.contract.containers.execution;
  const brain = deps.contract.containers.brain;
  const execOk = await stopChannel(deps, b, exec);
  // Brain is stopped even if execution could not be: the kill switch is the last resort.
  const brainOk = await stopChannel(deps, b, brain);
  if (execOk && brainOk) return b.finish('VERIFIED', `${exec} and ${brain} are stopped (after ${b.since()} ms)`);
  const failed = b.report.channels.some((c) => c.outcome === 'FAILED');
  return b.finish(
    failed ? 'FAILED' : 'NOT_CONFIRMED',
    'not every container is confirmed stopped',
    'check the Docker connection; stop the containers from the host shell',
  );
}

export async function runRestart(deps: ActionDeps, b: ReportBuilder, name: string): Promise<ActionReport> {
  const channel = `restart ${name}`;
  b.channel({ channel, outcome: 'RUNNING', detail: `docker restart ${name}` });
  const r = await deps.engine.restart(name, 10);
  if (!r.ok) {
    b.channel({ channel, outcome: 'FAILED', detail: r.detail, latencyMs: r.latencyMs });
    return b.finish('FAILED', `restart failed: ${r.detail}`);
  }
  b.channel({ channel, outcome: 'RUNNING', detail: 'restarted; waiting for health' });
  const timeout = Math.max(deps.config.actions.verifyTimeoutMs, 15_000);
  // Docker's healthcheck, else the service's own /health probe (a reading after the restart).
  const v = await waitHealthy(deps, name, timeout, new AbortController().signal, () => {});
  if (!v.ok) {
    b.channel({ channel, outcome: 'NOT_CONFIRMED', detail: v.detail });
    return b.finish('NOT_CONFIRMED', `${name} restarted but its health did not pass`, `look at the ${name} logs (select it, Enter)`);
  }
  b.channel({ channel, outcome: 'VERIFIED', detail: v.detail, latencyMs: b.since() });
  return b.finish('VERIFIED', `${name} restarted and healthy (after ${b.since()} ms)`);
}

export async function runClearHaltFile(deps: ActionDeps, b: ReportBuilder): Promise<ActionReport> {
  const exec = deps.contract.containers.execution;
  const path = deps.contract.haltFile.path;
  b.channel({ channel: 'halt file', outcome: 'RUNNING', detail: `rm -f ${path} in ${exec}` });
  const r = await deps.engine.removeFile(exec, path);
  if (!r.ok) {
    b.channel({ channel: 'halt file', outcome: 'FAILED', detail: r.detail, latencyMs: r.latencyMs });
    return b.finish('FAILED', `could not remove the halt file: ${r.detail}`);
  }
  const ev = await waitForEvidence(deps.store, { since: Date.now(), timeoutMs: 3000, file: (f) => !f.present, haltWatch: deps.haltWatch });
  if (ev.kind !== 'evidence') {
    b.channel({ channel: 'halt file', outcome: 'NOT_CONFIRMED', detail: 'the file is still reported present' });
    return b.finish('NOT_CONFIRMED', 'halt file still present');
  }
  b.channel({ channel: 'halt file', outcome: 'VERIFIED', detail: 'halt file absent', latencyMs: b.since() });
  const note = deps.contract.haltFile.readAtStartOnly ? ' (a running engine stays halted until RESUME)' : '';
  return b.finish('VERIFIED', `halt file cleared${note}`);
}
