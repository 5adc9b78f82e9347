/**
 * What the cockpit reports under stress is true: a real nats-server frozen (SIGSTOP) while a halt
 * or a resume is sent, and an engine that ignores halts while an earlier halt line arrives late
 * under a flood. The simulator runs in real containers on a real Docker engine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionLayer } from '../../src/actions/layer.js';
import type { ActionId, ActionParams } from '../../src/actions/types.js';
import type { Runtime } from '../../src/runtime.js';
import type { ActionReport, AuditEntry } from '../../src/state/types.js';
import { dockerClient } from '../helpers/docker.js';
import { waitFor } from '../helpers/ports.js';
import { startTitanStack, type TitanStack } from '../helpers/titan-stack.js';

function auditOf(stack: TitanStack): AuditEntry[] {
  return readFileSync(join(stack.auditDir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEntry);
}

function runner(rt: Runtime, layer: ActionLayer) {
  return (id: ActionId, typed: string, params: ActionParams = {}) =>
    layer.execute(id, params, typed, { enteredAt: Date.now(), progress: (r) => rt.store.emit({ type: 'action.report', report: r }) });
}

/** Freezes the server like a stalled host (SIGSTOP) and thaws it after ms. */
async function freezeFor(stack: TitanStack, ms: number): Promise<() => void> {
  await stack.nats.freeze();
  const timer = setTimeout(() => stack.nats.thaw(), ms);
  return () => {
    clearTimeout(timer);
    stack.nats.thaw();
  };
}

describe('NATS frozen while a command is sent, thawed 5 s later', () => {
  let stack: TitanStack;
  let rt: Runtime;
  let layer: ActionLayer;
  let run: ReturnType<typeof runner>;
  beforeAll(async () => {
    stack = await startTitanStack();
    // Verification gives up before the thaw, so the late proof must come from the follow-up watch.
    rt = await stack.runtime({ 'actions-verify-timeout-ms': '2000', 'actions-follow-up-ms': '30000' });
    layer = new ActionLayer(rt);
    run = runner(rt, layer);
  }, 120_000);
  afterAll(async () => {
    layer?.dispose();
    await stack?.stop();
  });

  const lateProof = async (report: ActionReport, verb: string) => {
    expect(report.outcome, report.summary).toBe('NOT_CONFIRMED'); // never FAILED: it was sent
    expect(report.channels.find((c) => c.channel === 'nats')?.detail).toMatch(/not confirmed by the server/);
    const late = await layer.followUps.get(report.id);
    expect(late?.outcome, late?.summary).toBe('VERIFIED');
    expect(late?.summary).toMatch(new RegExp(`${verb} — late evidence`));
    expect(rt.store.getState().actions.last).toMatchObject({ id: report.id, outcome: 'VERIFIED', followUp: 'late-verified' });
    const records = auditOf(stack).filter((a) => a.id === report.id);
    expect(records.map((a) => [a.outcome, a.followUp ?? null])).toEqual([
      ['NOT_CONFIRMED', null],
      ['VERIFIED', 'late-verified'],
    ]);
  };

  it('HALT: SENT BUT NOT CONFIRMED, then VERIFIED after the thaw, with a follow-up audit record', async () => {
    const thaw = await freezeFor(stack, 5_000);
    try {
      const report = await run('halt', 'HALT', { reason: 'frozen drill' });
      await lateProof(report, 'execution HALTED');
      const file = await rt.engine.readFile(stack.names.execution, '/app/system.halt');
      expect(file.ok && file.value).toMatch(/^frozen drill \[titan-tui tester #\w+\]/);
    } finally {
      thaw();
    }
  }, 60_000);

  it('RESUME: SENT BUT NOT CONFIRMED (it did resume trading), then VERIFIED after the thaw', async () => {
    await waitFor(() => rt.store.getState().connections.nats.status === 'connected', 20_000);
    const thaw = await freezeFor(stack, 5_000);
    try {
      const report = await run('resume', 'RESUME');
      await lateProof(report, 'execution RESUMED');
    } finally {
      thaw();
    }
    const f = await rt.engine.statPath(stack.names.execution, '/app/system.halt');
    expect(f.ok && f.value.present).toBe(false);
  }, 60_000);
});

describe('an engine that ignores halts, while an earlier halt line arrives late under a flood', () => {
  let stack: TitanStack;
  let rt: Runtime;
  let layer: ActionLayer;
  beforeAll(async () => {
    stack = await startTitanStack({ simEnv: { SIM_IGNORE_HALT: '1' } });
    rt = await stack.runtime({ 'actions-verify-timeout-ms': '4000', 'actions-follow-up-ms': '0' });
    layer = new ActionLayer(rt);
  }, 120_000);
  afterAll(async () => {
    layer?.dispose();
    await stack?.stop();
  });

  it('is never VERIFIED: halt lines written before the command, or by another source, are state, not proof', async () => {
    const past = new Date(Date.now() - 30_000).toISOString();
    const halt = (msg: string) => JSON.stringify({ timestamp: past, level: 'WARN', fields: { message: msg } });
    const noise = JSON.stringify({ timestamp: past, level: 'INFO', fields: { message: '📈 Order book update BTCUSDT' } });
    // Written into the engine's own stdout (its PID 1), so they reach Docker's log like its own lines.
    const script = [
      `i=0; while [ $i -lt 20000 ]; do echo '${noise}'; i=$((i+1)); done`,
      `echo '${halt('🚨 SYSTEM HALT ACTIVATED: OPERATOR EMERGENCY')}'`,
      `echo '${halt('🚨 SYSTEM HALT ACTIVATED: drill [titan-tui someone #old111]')}'`,
      `echo '🚨 SYSTEM HALT ACTIVATED: a plain line with no time'`,
    ].join('; ');
    const exec = await dockerClient(stack.docker)
      .getContainer(stack.names.execution)
      .exec({ Cmd: ['sh', '-c', `(${script}) > /proc/1/fd/1`], User: '1001:1001' });
    const inject = exec.start({ Detach: true });
    const report = await layer.execute('halt', { reason: 'ignored drill' }, 'HALT', {
      enteredAt: Date.now(),
      progress: (r) => rt.store.emit({ type: 'action.report', report: r }),
    });
    await inject;
    // The injected halt lines reached the cockpit while it waited for proof (so the test can fail)…
    const seen = rt.store.getState().evidence.recent.filter((l) => l.kind === 'halt');
    expect(seen.filter((l) => l.at >= report.startedAt && l.at <= (report.finishedAt ?? 0)).length).toBe(3);
    // …and none of them counted: state, not proof.
    expect(report.outcome, report.summary).toBe('NOT_CONFIRMED');
    expect(report.summary).not.toMatch(/HALTED/);
    const nats = report.channels.find((c) => c.channel === 'nats');
    expect(nats?.outcome).toBe('NOT_CONFIRMED');
    // Each injected line is named as state, not proof: stamped 30 s before the send, another's id, no time.
    expect(nats?.detail).toMatch(/not counted: /);
    expect(nats?.detail.match(/without this command's #\w+: another source/g)).toHaveLength(3);
    expect(nats?.detail).toContain('OPERATOR EMERGENCY');
    expect(nats?.detail).toContain('#old111');
    expect(nats?.detail).toContain('with no time of its own');
  }, 90_000);
});
