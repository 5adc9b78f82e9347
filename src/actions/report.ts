import type { ActionReport, ChannelOutcome, Outcome } from '../state/types.js';
import type { RunContext } from './types.js';

/** Accumulates per-channel outcomes and pushes every change to the progress callback. */
export class ReportBuilder {
  readonly report: ActionReport;

  constructor(
    id: string,
    action: string,
    private readonly ctx: RunContext,
  ) {
    this.report = { id, action, startedAt: ctx.enteredAt, outcome: 'RUNNING', summary: 'running…', channels: [] };
    ctx.progress({ ...this.report });
  }

  channel(c: ChannelOutcome): ChannelOutcome {
    const i = this.report.channels.findIndex((x) => x.channel === c.channel);
    if (i >= 0) this.report.channels[i] = c;
    else this.report.channels.push(c);
    this.ctx.progress({ ...this.report, channels: [...this.report.channels] });
    return c;
  }

  finish(outcome: Outcome, summary: string, next?: string): ActionReport {
    Object.assign(this.report, { outcome, summary, next, finishedAt: Date.now() });
    this.ctx.progress({ ...this.report, channels: [...this.report.channels] });
    return this.report;
  }

  /** Milliseconds from the operator's Enter to now. */
  since(): number {
    return Date.now() - this.ctx.enteredAt;
  }
}

/** Overall outcome of channels that all had to succeed. */
export function combine(channels: ChannelOutcome[]): Outcome {
  if (channels.some((c) => c.outcome === 'FAILED')) return 'FAILED';
  if (channels.some((c) => c.outcome === 'NOT_CONFIRMED')) return 'NOT_CONFIRMED';
  return 'VERIFIED';
}

export const shortId = () => Math.random().toString(36).slice(2, 8);
