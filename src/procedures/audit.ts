import { auditIdentity } from '../domain/audit-identity.js';
import type { AuditEntry, Outcome } from '../state/types.js';
import type { ProcedureDeps, RunState, StepStatus, StepView } from './types.js';

const OUTCOME: Record<StepStatus, Outcome> = {
  ok: 'VERIFIED',
  failed: 'FAILED',
  cancelled: 'CANCELLED',
  skipped: 'CANCELLED',
  pending: 'CANCELLED',
  running: 'RUNNING',
};

/** One record per step: action `run:<procedure>:<step>`; never the output (it may hold secrets). */
export function stepAuditEntry(deps: ProcedureDeps, run: RunState, step: StepView): AuditEntry {
  const outcome = OUTCOME[step.status];
  const ok = outcome === 'VERIFIED';
  return {
    time: new Date(step.startedAt ?? Date.now()).toISOString(),
    id: run.runId,
    operator: deps.operator,
    ...auditIdentity(),
    profile: deps.contract.profile,
    action: `run:${run.procedureId}:${step.id}`,
    targets: step.plan.slice(0, 4),
    confirmation: step.confirmation,
    outcome,
    channels: [{ channel: step.label, outcome, detail: step.summary, ...(step.durationMs !== null ? { latencyMs: step.durationMs } : {}) }],
    latencyMs: step.durationMs,
    error: ok ? null : step.summary,
  };
}

/** The closing record of a run: `run:<procedure>` with one channel per step. */
export function runAuditEntry(deps: ProcedureDeps, run: RunState): AuditEntry {
  const outcome: Outcome = run.status === 'ok' ? 'VERIFIED' : run.status === 'failed' ? 'FAILED' : 'CANCELLED';
  return {
    time: new Date(run.startedAt ?? Date.now()).toISOString(),
    id: run.runId,
    operator: deps.operator,
    ...auditIdentity(),
    profile: deps.contract.profile,
    action: `run:${run.procedureId}`,
    targets: [],
    confirmation: null,
    outcome,
    channels: run.steps.map((s) => ({
      channel: s.id,
      outcome: OUTCOME[s.status],
      detail: s.summary,
      ...(s.durationMs !== null ? { latencyMs: s.durationMs } : {}),
    })),
    latencyMs: run.finishedAt && run.startedAt ? run.finishedAt - run.startedAt : null,
    error: outcome === 'VERIFIED' ? null : run.summary,
  };
}
