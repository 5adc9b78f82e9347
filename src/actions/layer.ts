import { actionCommand } from '../commands/action-commands.js';
import { auditIdentity } from '../domain/audit-identity.js';
import { redact } from '../services/redact.js';
import type { ActionReport, AuditEntry } from '../state/types.js';
import { containerOf } from '../domain/containers.js';
import { planAction } from './plans.js';
import { type LateWatch, ReportBuilder, shortId } from './report.js';
import { runBreakerReset } from './run-brain.js';
import { runClearHaltFile, runKill, runRestart } from './run-docker.js';
import { runFlatten, runHalt, runResume } from './run-nats.js';
import { runRecover } from './run-recover.js';
import { runStopAll } from './run-stop-all.js';
import type { ActionDeps, ActionId, ActionParams, ActionPlan, RunContext } from './types.js';

const ESCALATE_HALT = 'EMERGENCY FULL STOP (!): halt file + restart execution; then KILL SWITCH';

/**
 * The one action layer: the TUI keys, the palette and the CLI all call it. It checks the typed
 * word, re-reads the state just before running, runs, verifies, and audits every attempt.
 */
export class ActionLayer {
  /** Watches that go on after a report that is not VERIFIED, by action id (tests and the CLI read them). */
  readonly followUps = new Map<string, Promise<ActionReport>>();
  private readonly disposed = new AbortController();

  constructor(private readonly deps: ActionDeps) {}

  /** A read-only configuration refuses every action here too, whoever calls (defence in depth). */
  get readOnly(): boolean {
    return this.deps.config.readOnly;
  }

  /** Ends every follow-up watch (the cockpit or the CLI is stopping). */
  dispose(): void {
    this.disposed.abort();
  }

  plan(id: ActionId, params: ActionParams = {}): ActionPlan {
    return planAction(this.deps, id, params);
  }

  /** Records a prompt the operator cancelled or confirmed with the wrong word. */
  recordRefusal(plan: ActionPlan, typed: string | null, why: 'CANCELLED' | 'FAILED', detail: string): void {
    const now = Date.now();
    this.deps.audit.append(
      this.auditEntry(plan, typed, {
        id: shortId(),
        action: plan.id,
        startedAt: now,
        finishedAt: now,
        outcome: why,
        summary: detail,
        channels: [],
      }),
    );
  }

  async execute(id: ActionId, params: ActionParams, typed: string, ctx: RunContext): Promise<ActionReport> {
    const plan = this.plan(id, params);
    const reportId = shortId();
    const refuse = (summary: string): ActionReport => {
      const r: ActionReport = {
        id: reportId,
        action: id,
        startedAt: ctx.enteredAt,
        finishedAt: Date.now(),
        outcome: 'FAILED',
        summary,
        channels: [],
      };
      ctx.progress(r);
      this.deps.audit.append(this.auditEntry(plan, typed, r));
      return r;
    };
    if (this.readOnly) return refuse('read-only mode: actions are not available');
    if (plan.invalid) return refuse(plan.invalid);
    if (typed !== plan.word) return refuse(`confirmation did not match: expected exactly "${plan.word}"`);

    const b = new ReportBuilder(reportId, id, ctx);
    let report: ActionReport;
    try {
      // Re-read the state just before execution: the plan may be minutes old. The halt paths do
      // not wait for it (what they send does not depend on it, and every millisecond counts).
      const refresh = this.refreshState(id);
      if (id !== 'halt' && id !== 'stop-all') await refresh;
      report = await this.run(id, params, b, ctx, plan);
      await refresh;
    } catch (e) {
      report = b.finish('FAILED', `internal error: ${(e as Error).message}`);
    }
    this.deps.audit.append(this.auditEntry(plan, typed, report));
    if (report.outcome === 'NOT_CONFIRMED' && b.late && this.deps.config.actions.followUpMs > 0) {
      const watch = this.followUp(plan, typed, report, b.late, ctx).finally(() => this.followUps.delete(report.id));
      this.followUps.set(report.id, watch);
    }
    return report;
  }

  /**
   * After NOT CONFIRMED, keeps watching for this command's own evidence up to actions.followUpMs:
   * a late proof (a frozen NATS thawed, a backed-up log) updates the banner, and a follow-up audit
   * record with the same action id says what happened, proof or not.
   */
  private async followUp(plan: ActionPlan, typed: string, report: ActionReport, late: LateWatch, ctx: RunContext): Promise<ActionReport> {
    const ms = this.deps.config.actions.followUpMs;
    const ended = this.deps.lifetime ? AbortSignal.any([this.disposed.signal, this.deps.lifetime]) : this.disposed.signal;
    const ev = await late.wait(ms, ended);
    if (ended.aborted && ev.kind === 'timeout') return report;
    const after = `${((Date.now() - report.startedAt) / 1000).toFixed(1)} s after Enter`;
    const update: ActionReport =
      ev.kind === 'evidence'
        ? { ...report, outcome: 'VERIFIED', summary: `${late.verified} — late evidence, ${after}: ${ev.detail}`, next: undefined }
        : ev.kind === 'rejected'
          ? { ...report, outcome: 'FAILED', summary: `rejected, ${after}: ${ev.detail}` }
          : { ...report, summary: `${report.summary} (watched ${Math.round(ms / 1000)} s more: still no evidence)` };
    update.finishedAt = Date.now();
    // Evidence text quotes the engine: through the one redaction layer, like every report.
    update.summary = redact(update.summary);
    update.followUp = ev.kind === 'evidence' ? 'late-verified' : ev.kind === 'rejected' ? 'late-rejected' : 'watch-ended';
    ctx.progress(update);
    this.deps.audit.append({ ...this.auditEntry(plan, typed, update), followUp: update.followUp });
    return update;
  }

  private async refreshState(id: ActionId): Promise<void> {
    const list = await this.deps.engine.list();
    if (list.ok) this.deps.store.emit({ type: 'containers.sync', list: list.value, at: Date.now() });
    if (actionCommand(id).readsHaltFile) await this.deps.haltWatch.refresh();
  }

  private run(id: ActionId, params: ActionParams, b: ReportBuilder, ctx: RunContext, plan: ActionPlan): Promise<ActionReport> {
    switch (id) {
      case 'stop-all':
        return runStopAll(this.deps, b, params);
      case 'halt':
        return runHalt(this.deps, b, params, ESCALATE_HALT);
      case 'resume':
        return runResume(this.deps, b, params);
      case 'flatten':
        return runFlatten(this.deps, b, params);
      case 'kill':
        return runKill(this.deps, b);
      case 'restart':
        return runRestart(this.deps, b, params.service ? containerOf(this.deps.contract, params.service) : plan.word);
      case 'clear-halt-file':
        return runClearHaltFile(this.deps, b);
      case 'breaker-reset':
        return runBreakerReset(this.deps, b);
      case 'recover':
        return runRecover(this.deps, b, params, ctx);
    }
  }

  private auditEntry(plan: ActionPlan, typed: string | null, r: ActionReport): AuditEntry {
    return {
      time: new Date(r.startedAt).toISOString(),
      id: r.id,
      operator: this.deps.operator,
      ...auditIdentity(),
      profile: this.deps.contract.profile,
      action: plan.id,
      targets: plan.targets,
      confirmation: typed,
      outcome: r.outcome,
      channels: r.channels,
      latencyMs: r.finishedAt ? r.finishedAt - r.startedAt : null,
      error: r.outcome === 'FAILED' || r.outcome === 'CANCELLED' ? r.summary : null,
    };
  }
}
