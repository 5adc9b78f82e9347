import { buildPayload } from '../contract/resolve.js';
import type { SubjectCommand } from '../contract/types.js';
import type { PublishResult } from '../services/bus.js';
import type { ActionReport, ChannelOutcome } from '../state/types.js';
import { waitForEvidence } from './evidence.js';
import { type ReportBuilder, shortId } from './report.js';
import type { ActionDeps, ActionParams } from './types.js';

const REASONS: Record<string, string> = {
  'not-connected': 'NATS is not connected, nothing was sent',
  'permission-denied': 'the NATS server refused it (permissions violation for this user)',
  unconfirmed: 'sent, but the NATS server did not confirm it; still watching for the effect',
  error: 'the publish failed, nothing was sent',
};

/** A publish that may have reached the server: its effect may still come, so keep watching. */
export const mayHaveBeenSent = (r: PublishResult) => r.ok || r.reason === 'unconfirmed';

/**
 * Publishes one command and reports the server's confirmation, never more. FAILED only when it is
 * known that nothing was sent; an unconfirmed publish is NOT CONFIRMED and the caller keeps watching.
 */
export async function publishChannel(
  deps: ActionDeps,
  b: ReportBuilder,
  channel: string,
  cmd: SubjectCommand,
  vars: { reason: string; id: string },
): Promise<PublishResult> {
  b.channel({ channel, outcome: 'RUNNING', detail: `publishing ${cmd.subject}` });
  const payload = buildPayload(cmd.payload, { reason: vars.reason, operator: deps.operator, id: vars.id });
  const r = await deps.bus.publishCommand(cmd.subject, payload);
  if (r.ok)
    b.channel({
      channel,
      outcome: 'RUNNING',
      detail: `${cmd.subject}: server confirmed receipt in ${r.latencyMs} ms; waiting for evidence`,
      latencyMs: r.latencyMs,
    });
  else
    b.channel({
      channel,
      outcome: r.reason === 'unconfirmed' ? 'NOT_CONFIRMED' : 'FAILED',
      detail: `${cmd.subject}: ${REASONS[r.reason]}: ${r.detail}`,
      latencyMs: r.latencyMs,
    });
  return r;
}

export function reasonWithId(params: ActionParams, fallback: string, operator: string, id: string): string {
  return `${(params.reason || fallback).slice(0, 200)} [titan-tui ${operator} #${id}]`;
}

/** NATS halt (hard or soft), verified by the execution engine's halt file or its log line. */
export async function runHalt(deps: ActionDeps, b: ReportBuilder, params: ActionParams, escalate: string): Promise<ActionReport> {
  const cmd = params.soft ? deps.contract.nats.halt.soft : deps.contract.nats.halt.hard;
  if (!cmd) return b.finish('FAILED', `the ${deps.contract.profile} profile defines no soft halt`);
  const id = shortId();
  const reason = reasonWithId(params, 'OPERATOR EMERGENCY', deps.operator, id);
  const channel = await haltChannel(deps, b, cmd, reason, id, 'nats');
  if (deps.contract.nats.halt.legacyHard)
    await publishChannel(deps, b, 'nats (legacy system.halt)', deps.contract.nats.halt.legacyHard, { reason, id });
  if (channel.outcome === 'VERIFIED') return b.finish('VERIFIED', `execution HALTED (evidence after ${channel.latencyMs} ms)`);
  if (channel.outcome === 'FAILED') return b.finish('FAILED', channel.detail, escalate);
  return b.finish(
    'NOT_CONFIRMED',
    `sent, but execution showed no halt of this command within ${deps.config.actions.verifyTimeoutMs} ms: ${channel.detail}`,
    escalate,
  );
}

/** What proves a halt: the engine's line or halt file carrying this command's reason (with its id). */
function haltEvidence(deps: ActionDeps, reason: string, id: string, since: number, timeoutMs: number, signal?: AbortSignal) {
  return waitForEvidence(deps.store, {
    // While the operator waits: every 100 ms; a follow-up may run for minutes: once a second.
    pollMs: signal ? 1000 : 100,
    since,
    timeoutMs,
    signal,
    line: (l) => l.service === 'execution' && l.kind === 'halt',
    correlate: { by: 'id', id },
    rejectLine: (l) => l.service === 'execution' && l.kind === 'rejected',
    // The engine writes exactly the reason into the file (contract §5): that content, with this
    // command's id, proves the engine acted on this command (our own file write has other content).
    file: (f) => f.present && (f.content ?? '').trim() === reason.trim(),
    haltWatch: deps.haltWatch,
  });
}

/** Publishes a halt and waits for the engine's own evidence; returns the channel outcome. */
export async function haltChannel(
  deps: ActionDeps,
  b: ReportBuilder,
  cmd: SubjectCommand,
  reason: string,
  id: string,
  channel: string,
): Promise<ChannelOutcome> {
  const sentAt = Date.now();
  const pub = await publishChannel(deps, b, channel, cmd, { reason, id });
  if (!mayHaveBeenSent(pub)) return b.report.channels.find((c) => c.channel === channel) as ChannelOutcome;
  const ev = await haltEvidence(deps, reason, id, sentAt, deps.config.actions.verifyTimeoutMs);
  if (ev.kind === 'evidence')
    return b.channel({ channel, outcome: 'VERIFIED', detail: `execution halted: ${ev.detail}`, latencyMs: ev.at - b.report.startedAt });
  if (ev.kind === 'rejected') return b.channel({ channel, outcome: 'FAILED', detail: `execution rejected the command: ${ev.detail}` });
  b.watchLate({
    wait: (ms, signal) => haltEvidence(deps, reason, id, sentAt, ms, signal),
    verified: 'execution HALTED',
  });
  const sent = pub.ok ? `server confirmed ${cmd.subject}` : `${cmd.subject} sent but not confirmed by the server`;
  return b.channel({
    channel,
    outcome: 'NOT_CONFIRMED',
    detail: `${sent}; no halt evidence of this command from ${deps.contract.containers.execution} (no halt file or SYSTEM HALT ACTIVATED line with #${id})${unprovenNote(ev)}`,
  });
}

/** Lines of the right kind that did not count, said so the operator sees them as state, not proof. */
function unprovenNote(ev: { kind: string; unproven?: string[] }): string {
  return ev.kind === 'timeout' && ev.unproven?.length ? `; not counted: ${ev.unproven.join('; ')}` : '';
}

/** What proves a resume: the engine's SYSTEM HALT LIFTED line carrying this command's id. */
function liftEvidence(deps: ActionDeps, id: string, since: number, timeoutMs: number, signal?: AbortSignal) {
  return waitForEvidence(deps.store, {
    since,
    timeoutMs,
    signal,
    line: (l) => l.service === 'execution' && l.kind === 'lift',
    correlate: { by: 'id', id },
    rejectLine: (l) => l.service === 'execution' && l.kind === 'rejected',
  });
}

export async function runResume(deps: ActionDeps, b: ReportBuilder, params: ActionParams): Promise<ActionReport> {
  const id = shortId();
  const reason = reasonWithId(params, 'Emergency cleared', deps.operator, id);
  const before = await deps.haltWatch.refresh();
  const sentAt = Date.now();
  const pub = await publishChannel(deps, b, 'nats', deps.contract.nats.halt.open, { reason, id });
  if (deps.contract.nats.halt.legacyOpen)
    await publishChannel(deps, b, 'nats (legacy system.halt)', deps.contract.nats.halt.legacyOpen, { reason, id });
  if (!mayHaveBeenSent(pub))
    return b.finish(
      'FAILED',
      (b.report.channels.find((c) => c.channel === 'nats') as ChannelOutcome).detail,
      'check the NATS connection and user (doctor)',
    );
  const wasHalted = before?.present === true;
  // Not halted before: the engine logs nothing; wait briefly for a possible rejection instead.
  const ev = await liftEvidence(
    deps,
    id,
    sentAt,
    wasHalted ? deps.config.actions.verifyTimeoutMs : Math.min(1500, deps.config.actions.verifyTimeoutMs),
  );
  if (ev.kind === 'rejected') {
    b.channel({ channel: 'nats', outcome: 'FAILED', detail: `execution rejected the command: ${ev.detail}` });
    return b.finish(
      'FAILED',
      `execution rejected the resume (${ev.detail})`,
      deps.contract.profile === 'runbook' ? "the runbook's state NORMAL is not a valid state: use the titan profile (OPEN)" : undefined,
    );
  }
  if (ev.kind === 'evidence') {
    b.channel({ channel: 'nats', outcome: 'VERIFIED', detail: `halt lifted: ${ev.detail}`, latencyMs: ev.at - b.report.startedAt });
    return b.finish('VERIFIED', `execution RESUMED (evidence after ${ev.at - b.report.startedAt} ms)`);
  }
  if (!wasHalted && pub.ok) {
    const now = await deps.haltWatch.refresh();
    if (now && !now.present) {
      b.channel({ channel: 'nats', outcome: 'VERIFIED', detail: 'execution reports no halt (no halt file, no rejection)' });
      return b.finish('VERIFIED', 'execution is not halted (it was not halted before)');
    }
  }
  b.watchLate({ wait: (ms, signal) => liftEvidence(deps, id, sentAt, ms, signal), verified: 'execution RESUMED' });
  const fileNow = (await deps.haltWatch.refresh())?.present;
  const sent = pub.ok ? 'server confirmed the resume' : 'resume sent but not confirmed by the server';
  b.channel({
    channel: 'nats',
    outcome: 'NOT_CONFIRMED',
    detail: `${sent}; no SYSTEM HALT LIFTED line with #${id}${fileNow === false ? ' (the halt file is gone, which alone does not prove this resume)' : ''}${unprovenNote(ev)}`,
  });
  return b.finish(
    'NOT_CONFIRMED',
    `sent, but execution showed no lift of this command within ${deps.config.actions.verifyTimeoutMs} ms`,
    'check the execution logs; a restart after CLEAR HALT FILE boots un-halted',
  );
}

/** What proves a flatten: the engine's RECEIVED FLATTEN COMMAND line, written (by its own clock) after the send. */
function flattenEvidence(deps: ActionDeps, since: number, timeoutMs: number, signal?: AbortSignal) {
  return waitForEvidence(deps.store, {
    since,
    timeoutMs,
    signal,
    line: (l) => l.service === 'execution' && l.kind === 'flatten',
    correlate: { by: 'written-after' },
  });
}

export async function runFlatten(deps: ActionDeps, b: ReportBuilder, params: ActionParams): Promise<ActionReport> {
  const id = shortId();
  const sentAt = Date.now();
  const pub = await publishChannel(deps, b, 'nats', deps.contract.nats.flatten, {
    reason: reasonWithId(params, 'operator flatten', deps.operator, id),
    id,
  });
  if (!mayHaveBeenSent(pub))
    return b.finish('FAILED', (b.report.channels[0] as ChannelOutcome).detail, 'check the NATS connection and user (doctor)');
  const ev = await flattenEvidence(deps, sentAt, deps.config.actions.verifyTimeoutMs);
  if (ev.kind === 'evidence') {
    b.channel({ channel: 'nats', outcome: 'VERIFIED', detail: ev.detail, latencyMs: ev.at - b.report.startedAt });
    return b.finish('VERIFIED', `execution is FLATTENING all positions (evidence after ${ev.at - b.report.startedAt} ms)`);
  }
  b.watchLate({ wait: (ms, signal) => flattenEvidence(deps, sentAt, ms, signal), verified: 'execution is FLATTENING all positions' });
  b.channel({
    channel: 'nats',
    outcome: 'NOT_CONFIRMED',
    detail: `no RECEIVED FLATTEN COMMAND line written after the send by ${deps.contract.containers.execution}${unprovenNote(ev)}`,
  });
  return b.finish(
    'NOT_CONFIRMED',
    'sent, but execution did not report a flatten',
    `check the flatten subject (${deps.contract.nats.flatten.subject}) matches the deployed image (contract §1.6)`,
  );
}
