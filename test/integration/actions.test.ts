/**
 * Every action through the one action layer, against the simulated Titan in real containers,
 * a real nats-server and a real Docker engine. Each case checks the report, the simulator's
 * actual state, and the audit record.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionLayer } from '../../src/actions/layer.js';
import type { ActionId, ActionParams } from '../../src/actions/types.js';
import type { Runtime } from '../../src/runtime.js';
import { AUDIT_RETRY_MS } from '../../src/services/audit.js';
import type { AuditEntry } from '../../src/state/types.js';
import { NATS_USERS } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/ports.js';
import { mountTmpfs } from '../helpers/tmpfs.js';
import { startTitanStack, type TitanStack } from '../helpers/titan-stack.js';

let stack: TitanStack;
let rt: Runtime;
let layer: ActionLayer;

const run = (id: ActionId, typed: string, params: ActionParams = {}) =>
  layer.execute(id, params, typed, { enteredAt: Date.now(), progress: (r) => rt.store.emit({ type: 'action.report', report: r }) });

const haltFile = async (r: Runtime = rt) => {
  const s = await r.engine.statPath(stack.names.execution, '/app/system.halt');
  if (!s.ok) throw new Error(s.detail);
  return s.value.present;
};

const audit = (): AuditEntry[] =>
  readFileSync(join(stack.auditDir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEntry);
const lastAudit = () => audit().at(-1) as AuditEntry;

beforeAll(async () => {
  stack = await startTitanStack();
  rt = await stack.runtime();
  layer = new ActionLayer(rt);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('actions against the simulated Titan', () => {
  it('HALT ends VERIFIED: the engine wrote its halt file, and the audit says so', async () => {
    const r = await run('halt', 'HALT', { reason: 'drill' });
    expect(r.outcome, r.summary).toBe('VERIFIED');
    expect(await haltFile()).toBe(true);
    const content = await rt.engine.readFile(stack.names.execution, '/app/system.halt');
    expect(content.ok && content.value).toMatch(/^drill \[titan-tui tester #\w+\]/);
    const a = lastAudit();
    expect(a).toMatchObject({ action: 'halt', outcome: 'VERIFIED', confirmation: 'HALT', operator: 'tester', profile: 'titan' });
    expect(a.channels[0]?.channel).toBe('nats');
  });

  it('RESUME ends VERIFIED and the halt file is gone', async () => {
    const r = await run('resume', 'RESUME');
    expect(r.outcome, r.summary).toBe('VERIFIED');
    expect(await haltFile()).toBe(false);
    expect(lastAudit()).toMatchObject({ action: 'resume', outcome: 'VERIFIED' });
  });

  it('a wrong typed word does nothing and is recorded', async () => {
    const before = audit().length;
    const r = await run('halt', 'halt');
    expect(r.outcome).toBe('FAILED');
    expect(r.summary).toMatch(/expected exactly "HALT"/);
    expect(await haltFile()).toBe(false);
    expect(audit().length).toBe(before + 1);
    expect(lastAudit()).toMatchObject({ action: 'halt', outcome: 'FAILED', confirmation: 'halt' });
  });

  it('read-only mode refuses every action', async () => {
    const ro = new ActionLayer(await stack.runtime({ 'read-only': true }));
    for (const [id, word] of [
      ['halt', 'HALT'],
      ['stop-all', 'HALT'],
      ['kill', 'KILL'],
    ] as const) {
      const r = await ro.execute(id, {}, word, { enteredAt: Date.now(), progress: () => {} });
      expect(r.outcome).toBe('FAILED');
      expect(r.summary).toMatch(/read-only/);
    }
    expect(await haltFile()).toBe(false);
  });

  it("FLATTEN ends VERIFIED from the engine's RECEIVED FLATTEN COMMAND line", async () => {
    const r = await run('flatten', 'FLATTEN');
    expect(r.outcome, r.summary).toBe('VERIFIED');
    expect(r.channels[0]?.detail).toMatch(/RECEIVED FLATTEN COMMAND/);
  });

  it('EMERGENCY FULL STOP: halt file and NATS halt, each reported, VERIFIED', async () => {
    const r = await run('stop-all', 'HALT');
    expect(r.outcome, r.summary).toBe('VERIFIED');
    expect(r.channels.map((c) => c.channel).sort()).toEqual(['halt file', 'nats']);
    expect(r.channels.every((c) => c.outcome === 'VERIFIED')).toBe(true);
    expect(await haltFile()).toBe(true);
    await run('resume', 'RESUME');
  });

  it('CLEAR HALT FILE and BREAKER RESET after a brain trip', async () => {
    await run('halt', 'HALT');
    const c = await run('clear-halt-file', 'CLEAR');
    expect(c.outcome, c.summary).toBe('VERIFIED');
    expect(await haltFile()).toBe(false);
    expect(c.summary).toMatch(/stays halted until RESUME/);
    await run('resume', 'RESUME');
    // Trip brain's breaker through its own sovereign halt route.
    const { httpRequest } = await import('../../src/services/http/client.js');
    const { mintAdminJwt } = await import('../../src/services/http/sign.js');
    const { HMAC_SECRET, JWT_SECRET } = await import('../helpers/titan-stack.js');
    const trip = await httpRequest({
      url: `http://127.0.0.1:${stack.brainPort}`,
      method: 'POST',
      path: '/risk/halt',
      body: { operatorId: 'tester', reason: 'test trip' },
      auth: { hmac: true, jwt: true },
      hmacSecret: HMAC_SECRET,
      jwt: mintAdminJwt(JWT_SECRET, { operatorId: 'tester' }),
    });
    expect(trip.kind === 'response' && trip.status).toBe(200);
    const r = await run('breaker-reset', 'RESET');
    expect(r.outcome, r.summary).toBe('VERIFIED');
    expect(r.summary).toMatch(/NOT lifted/);
    expect(lastAudit()).toMatchObject({ action: 'breaker-reset', outcome: 'VERIFIED', confirmation: 'RESET' });
  });

  it('RECOVERY runs its four steps, each with its own outcome', async () => {
    await run('halt', 'HALT');
    const r = await run('recover', 'RESUME');
    expect(r.outcome, JSON.stringify(r.channels)).toBe('VERIFIED');
    expect(r.channels.map((c) => c.channel)).toEqual(['1 clear halt file', '2 resume', '3 check state', '4 reset breaker']);
    expect(await haltFile()).toBe(false);
  });

  it('RECOVERY stops between steps when the operator says so', async () => {
    await run('halt', 'HALT');
    const r = await layer.execute('recover', {}, 'RESUME', { enteredAt: Date.now(), progress: () => {}, betweenSteps: async () => false });
    expect(r.outcome).toBe('CANCELLED');
    expect(r.channels[0]?.outcome).toBe('VERIFIED');
    expect(r.channels.slice(1).every((c) => c.outcome === 'CANCELLED')).toBe(true);
    await run('resume', 'RESUME');
  });

  it('BREAKER RESET with a wrong HMAC secret ends FAILED (401)', async () => {
    const bad = await stack.runtime({ 'brain-hmac-secret': 'b'.repeat(64) });
    const r = await new ActionLayer(bad).execute('breaker-reset', {}, 'RESET', { enteredAt: Date.now(), progress: () => {} });
    expect(r.outcome).toBe('FAILED');
    expect(r.summary).toMatch(/401/);
    expect(r.summary).toMatch(/Invalid signature/);
    expect(JSON.stringify(r)).not.toContain('b'.repeat(64));
    expect(lastAudit()).toMatchObject({ action: 'breaker-reset', outcome: 'FAILED' });
    await bad.stop();
  });

  it('HALT as the read-only NATS user ends FAILED with a permissions violation, and nothing halts', async () => {
    const ro = await stack.runtime({ 'nats-user': NATS_USERS.console.user, 'nats-pass': NATS_USERS.console.pass });
    const r = await new ActionLayer(ro).execute('halt', {}, 'HALT', { enteredAt: Date.now(), progress: () => {} });
    expect(r.outcome).toBe('FAILED');
    expect(r.summary).toMatch(/permissions violation/i);
    expect(await haltFile()).toBe(false);
    expect(lastAudit()).toMatchObject({ action: 'halt', outcome: 'FAILED' });
    await ro.stop();
  });

  it('KILL stops execution then brain; RESTART brings execution back healthy', async () => {
    const k = await run('kill', 'KILL');
    expect(k.outcome, k.summary).toBe('VERIFIED');
    expect(k.channels.map((c) => c.channel)).toEqual([`stop ${stack.names.execution}`, `stop ${stack.names.brain}`]);
    for (const n of [stack.names.execution, stack.names.brain]) {
      const i = await rt.engine.inspect(n);
      expect(i.ok && i.value.state).toBe('exited');
    }
    const r1 = await run('restart', stack.names.brain, { service: 'brain' });
    expect(r1.outcome, r1.summary).toBe('VERIFIED');
    const r2 = await run('restart', stack.names.execution, { service: 'execution' });
    expect(r2.outcome, r2.summary).toBe('VERIFIED');
    const i = await rt.engine.inspect(stack.names.execution);
    expect(i.ok && i.value.state).toBe('running');
    expect(lastAudit()).toMatchObject({ action: 'restart', outcome: 'VERIFIED', confirmation: stack.names.execution });
  }, 60_000);

  it('HALT with NATS down ends FAILED within 2 s, and the emergency full stop still writes the halt file', async () => {
    await waitFor(() => rt.store.getState().connections.nats.status === 'connected');
    await stack.nats.kill();
    await waitFor(() => rt.store.getState().connections.nats.status !== 'connected', 5000);
    const t0 = Date.now();
    const h = await run('halt', 'HALT');
    expect(h.outcome).toBe('FAILED');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(h.summary).toMatch(/not connected/i);
    const s = await run('stop-all', 'HALT');
    expect(s.outcome).toBe('NOT_CONFIRMED');
    expect(s.channels.find((c) => c.channel === 'halt file')?.outcome).toBe('VERIFIED');
    expect(s.channels.find((c) => c.channel === 'nats')?.outcome).toBe('FAILED');
    expect(s.next).toMatch(/restart .* so it boots halted/);
    expect(await haltFile()).toBe(true);
    expect(lastAudit()).toMatchObject({ action: 'stop-all', outcome: 'NOT_CONFIRMED' });
    await stack.nats.restart();
    await waitFor(() => rt.store.getState().connections.nats.status === 'connected', 15_000);
    await rt.engine.removeFile(stack.names.execution, '/app/system.halt');
  }, 40_000);
});

describe('a failing audit log', () => {
  it('never blocks the emergency stop, and raises the alarm', async () => {
    // A regular file where the audit directory should be: every append fails.
    const broken = await stack.runtime({ 'audit-dir': '/dev/null/titan-audit' });
    const r = await new ActionLayer(broken).execute('stop-all', { reason: 'audit down' }, 'HALT', {
      enteredAt: Date.now(),
      progress: () => {},
    });
    expect(r.outcome, r.summary).toBe('VERIFIED');
    expect(await haltFile()).toBe(true);
    expect(broken.store.getState().audit.alarm?.error).toMatch(/audit log .* not written/);
    expect(broken.store.getState().audit.recent.at(-1)).toMatchObject({ action: 'stop-all', outcome: 'VERIFIED' });
    await broken.stop();
    await run('resume', 'RESUME');
  });
});

describe('a full disk under the audit log (a 64 KiB tmpfs)', () => {
  it('stop-all still ends VERIFIED; the record is not torn, the alarm is up, and the retry writes it', async () => {
    const fs = mountTmpfs(64);
    try {
      const full = await stack.runtime({ 'audit-dir': fs.dir });
      fs.fill();
      const r = await new ActionLayer(full).execute('stop-all', { reason: 'disk full' }, 'HALT', {
        enteredAt: Date.now(),
        progress: () => {},
      });
      expect(r.outcome, r.summary).toBe('VERIFIED');
      expect(await haltFile()).toBe(true);
      expect(full.store.getState().audit.alarm?.error).toMatch(/not written: no space left on the device \(ENOSPC\)/);
      const path = join(fs.dir, 'audit.jsonl');
      const text = readFileSync(path, 'utf8');
      expect(text === '' || text.endsWith('\n'), 'no torn record').toBe(true);
      expect(full.audit.unwritten).toHaveLength(1);
      fs.free();
      await waitFor(() => readFileSync(path, 'utf8').includes(`"id":"${r.id}"`), AUDIT_RETRY_MS + 3000);
      const records = readFileSync(path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditEntry);
      expect(records.at(-1)).toMatchObject({ id: r.id, action: 'stop-all', outcome: 'VERIFIED' });
      expect(full.store.getState().audit.alarm?.error).toMatch(/writable again/);
      await full.stop();
    } finally {
      fs.unmount();
    }
    await run('resume', 'RESUME');
  }, 40_000);
});

describe('a broken contract entry at run time', () => {
  it('stop-all reports the NATS channel FAILED and still writes the halt file', async () => {
    const broken = await stack.runtime();
    // As a contract entry that slipped past validation would be (its own copy: nothing else sees it).
    Object.assign(broken, { contract: structuredClone(broken.contract) });
    (broken.contract.nats.halt as { hard: unknown }).hard = null;
    const layer = new ActionLayer(broken);
    expect(layer.plan('stop-all').lines.join('\n')).toMatch(/nats\.halt\.hard missing/);
    const r = await layer.execute('stop-all', { reason: 'broken entry' }, 'HALT', { enteredAt: Date.now(), progress: () => {} });
    expect(r.channels.find((c) => c.channel === 'halt file')).toMatchObject({ outcome: 'VERIFIED' });
    expect(r.channels.find((c) => c.channel === 'nats')).toMatchObject({ outcome: 'FAILED', detail: expect.stringMatching(/^not run: /) });
    expect(r.outcome).toBe('NOT_CONFIRMED');
    expect(await haltFile()).toBe(true);
    await broken.stop();
    await rt.engine.removeFile(stack.names.execution, '/app/system.halt');
  });
});

describe('a simulator that ignores the halt', () => {
  let deaf: TitanStack;
  let drt: Runtime;
  beforeAll(async () => {
    deaf = await startTitanStack({ simEnv: { SIM_IGNORE_HALT: '1' } });
    drt = await deaf.runtime({ 'actions-verify-timeout-ms': '1500' });
  }, 120_000);
  afterAll(async () => {
    await deaf?.stop();
  });

  it('HALT ends SENT BUT NOT CONFIRMED and offers the next escalation', async () => {
    const r = await new ActionLayer(drt).execute('halt', {}, 'HALT', { enteredAt: Date.now(), progress: () => {} });
    expect(r.outcome).toBe('NOT_CONFIRMED');
    expect(r.channels[0]?.detail).toMatch(/server confirmed .*no halt evidence/);
    expect(r.next).toMatch(/EMERGENCY FULL STOP/);
    const rec = readFileSync(join(deaf.auditDir, 'audit.jsonl'), 'utf8').trim().split('\n').at(-1) as string;
    expect(JSON.parse(rec)).toMatchObject({ action: 'halt', outcome: 'NOT_CONFIRMED' });
  });
});

describe('the runbook profile against the current code', () => {
  it('RESUME with NORMAL ends FAILED: the engine rejects the state', async () => {
    const rb = await stack.runtime({ profile: 'runbook' });
    await run('halt', 'HALT');
    const r = await new ActionLayer(rb).execute('resume', {}, 'RESUME', { enteredAt: Date.now(), progress: () => {} });
    expect(r.outcome).toBe('FAILED');
    expect(r.summary).toMatch(/Received unknown system state: NORMAL/);
    expect(await haltFile()).toBe(true);
    await rb.stop();
    await run('resume', 'RESUME');
  });
});
