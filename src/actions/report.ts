import type { ActionReport, ChannelOutcome, Outcome } from '../state/types.js';
import { redact } from '../services/redact.js';
import type { Evidence } from './evidence.js';
import type { RunContext } from './types.js';

/** The evidence an action still expects after its report: the action layer keeps watching for it. */
export interface LateWatch {
  wait: (timeoutMs: number, signal: AbortSignal) => Promise<Evidence>;
  /** What a late proof means, e.g. "execution HALTED". */
  verified: string;
}

/** Accumulates per-channel outcomes and pushes every change to the progress callback. */
export class ReportBuilder {
  readonly report: ActionReport;
  /** Set by a channel that was sent but not proven: what to keep watching for after the report. */
  late: LateWatch | null = null;

  constructor(
    id: string,
    action: string,
    private readonly ctx: RunContext,
  ) {
    this.report = { id, action, startedAt: ctx.enteredAt, outcome: 'RUNNING', summary: 'running…', channels: [] };
    ctx.progress({ ...this.report });
  }

  channel(given: ChannelOutcome): ChannelOutcome {
    // Details quote servers and engines: through the redaction layer before the screen, CLI or audit.
    const c = { ...given, detail: redact(given.detail) };
    const i = this.report.channels.findIndex((x) => x.channel === c.channel);
    if (i >= 0) this.report.channels[i] = c;
    else this.report.channels.push(c);
    this.ctx.progress({ ...this.report, channels: [...this.report.channels] });
    return c;
  }

  finish(outcome: Outcome, summary: string, next?: string): ActionReport {
    Object.assign(this.report, {
      outcome,
      summary: redact(summary),
      next: next === undefined ? next : redact(next),
      finishedAt: Date.now(),
    });
    this.ctx.progress({ ...this.report, channels: [...this.report.channels] });
    return this.report;
  }

  watchLate(w: LateWatch): void {
    this.late = w;
  }

  /** Milliseconds from the operator's Enter to now. */
  since(): number {
    return Date.now() - this.ctx.enteredAt;
  }
}

export const shortId = () => Math.random().toString(36).slice(2, 8);
