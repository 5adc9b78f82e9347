import type { ActionReport, ChannelOutcome } from '../state/types.js';
import { ReportBuilder } from './report.js';
import { readBreaker, runBreakerReset } from './run-brain.js';
import { runClearHaltFile } from './run-docker.js';
import { runResume } from './run-nats.js';
import type { ActionDeps, ActionParams, RunContext } from './types.js';

/**
 * The runbook's "Recovery from Emergency Halt" as a guided sequence. Each step is a sub-action with
 * its own outcome; the sequence stops at the first failure, or when the operator says stop.
 */
export async function runRecover(deps: ActionDeps, b: ReportBuilder, params: ActionParams, ctx: RunContext): Promise<ActionReport> {
  const sub = (name: string) => new ReportBuilder(`${b.report.id}:${name}`, name, { ...ctx, enteredAt: Date.now(), progress: () => {} });
  const step = async (label: string, run: () => Promise<ActionReport>): Promise<ChannelOutcome> => {
    b.channel({ channel: label, outcome: 'RUNNING', detail: 'running…' });
    const r = await run();
    return b.channel({ channel: label, outcome: r.outcome, detail: r.summary, latencyMs: (r.finishedAt ?? Date.now()) - r.startedAt });
  };
  const steps: Array<[string, () => Promise<ChannelOutcome>]> = [
    ['1 clear halt file', () => step('1 clear halt file', () => runClearHaltFile(deps, sub('clear')))],
    ['2 resume', () => step('2 resume', () => runResume(deps, sub('resume'), params))],
    [
      '3 check state',
      async () => {
        const f = await deps.haltWatch.refresh();
        const br = await readBreaker(deps);
        const breaker = br.ok
          ? br.status.active
            ? `breaker ACTIVE (${br.status.type ?? ''} ${br.status.reason ?? ''})`
            : 'breaker inactive'
          : `breaker unknown: ${br.detail}`;
        const halted = f === null ? 'halt file unknown' : f.present ? 'halt file PRESENT' : 'halt file absent';
        const outcome = f !== null && !f.present ? 'VERIFIED' : 'NOT_CONFIRMED';
        return b.channel({ channel: '3 check state', outcome, detail: `${halted}; ${breaker}` });
      },
    ],
    [
      '4 reset breaker',
      async () => {
        const br = await readBreaker(deps);
        if (br.ok && !br.status.active)
          return b.channel({ channel: '4 reset breaker', outcome: 'VERIFIED', detail: 'not needed: breaker inactive' });
        return step('4 reset breaker', () => runBreakerReset(deps, sub('breaker-reset')));
      },
    ],
  ];
  for (let i = 0; i < steps.length; i++) {
    const [, run] = steps[i] as [string, () => Promise<ChannelOutcome>];
    const done = await run();
    if (done.outcome === 'FAILED') return b.finish('FAILED', `recovery stopped at "${done.channel}": ${done.detail}`);
    const next = steps[i + 1];
    if (next && ctx.betweenSteps && !(await ctx.betweenSteps(done, next[0]))) {
      for (const [label] of steps.slice(i + 1)) b.channel({ channel: label, outcome: 'CANCELLED', detail: 'stopped by the operator' });
      return b.finish('CANCELLED', `recovery stopped by the operator after "${done.channel}"`);
    }
  }
  const outcome = b.report.channels.every((c) => c.outcome === 'VERIFIED') ? 'VERIFIED' : 'NOT_CONFIRMED';
  return b.finish(
    outcome,
    outcome === 'VERIFIED' ? 'recovery complete: halt lifted, breaker inactive' : 'recovery ran, but not every step is confirmed',
  );
}
