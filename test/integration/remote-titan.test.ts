/**
 * A simulated Titan whose NATS is a 3-node cluster (nats-server 2.9): the cockpit's node dies
 * during a halt, and the audit mirror on NATS. The simulated execution engine runs in a real
 * container and is connected to another node than the cockpit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionLayer } from '../../src/actions/layer.js';
import type { ActionId, ActionParams } from '../../src/actions/types.js';
import type { Runtime } from '../../src/runtime.js';
import type { ActionReport, AuditEntry } from '../../src/state/types.js';
import { type NatsCluster, type NatsClusterNode, startNatsCluster } from '../helpers/nats-cluster.js';
import { NATS_USERS } from '../helpers/nats-server.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { startTitanStack, type TitanStack } from '../helpers/titan-stack.js';

function auditOf(stack: TitanStack): AuditEntry[] {
  return readFileSync(join(stack.auditDir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEntry);
}

function runner(rt: Runtime, layer: ActionLayer, onProgress: (r: ActionReport) => void = () => undefined) {
  return (id: ActionId, typed: string, params: ActionParams = {}) =>
    layer.execute(id, params, typed, {
      enteredAt: Date.now(),
      progress: (r) => {
        rt.store.emit({ type: 'action.report', report: r });
        onProgress(r);
      },
    });
}

const nodeOf = (cluster: NatsCluster, rt: Runtime): NatsClusterNode | undefined =>
  cluster.nodes.find((n) => rt.store.getState().connections.nats.endpoint === `127.0.0.1:${n.port}`);

describe('a 3-node NATS cluster: the cockpit node dies during a halt', () => {
  let cluster: NatsCluster;
  let stack: TitanStack;
  let layer: ActionLayer | undefined;
  const first = () => cluster.nodes[0] as NatsClusterNode;

  /** A cockpit given the first node only (it learns the others from the cluster, as a real client does). */
  const cockpit = async () => {
    const rt = await stack.runtime({ 'actions-verify-timeout-ms': '4000', 'actions-follow-up-ms': '0', 'nats-confirm-timeout-ms': '3000' });
    expect(nodeOf(cluster, rt), 'the cockpit is on the first node').toBe(first());
    layer?.dispose();
    layer = new ActionLayer(rt);
    return { rt, layer };
  };

  beforeAll(async () => {
    cluster = await startNatsCluster();
    // Execution (and brain) on the third node, which is never killed.
    stack = await startTitanStack({ nats: cluster.nodes[2], cockpitNatsServers: [cluster.urls[0] as string] });
  }, 120_000);
  afterAll(async () => {
    layer?.dispose();
    await stack?.stop();
    await cluster?.stop();
  });

  it('killed while the publish waits for its confirmation: SENT BUT NOT CONFIRMED, audited; reconnects to a survivor; the halt then goes through another node', async () => {
    const { rt, layer } = await cockpit();
    const a = first();
    // The node stalls (SIGSTOP): the halt sits in its socket, unconfirmed; then it dies (SIGKILL).
    await a.freeze();
    const pending = runner(rt, layer)('halt', 'HALT', { reason: 'cluster drill' });
    await new Promise((r) => setTimeout(r, 500));
    await a.kill();
    const report = await pending;
    expect(report.outcome, report.summary).toBe('NOT_CONFIRMED');
    const nats = report.channels.find((c) => c.channel === 'nats');
    expect(nats?.outcome).toBe('NOT_CONFIRMED');
    expect(nats?.detail).toMatch(/sent but not confirmed by the server/);
    expect(auditOf(stack).find((e) => e.id === report.id)).toMatchObject({ action: 'halt', outcome: 'NOT_CONFIRMED' });

    // The cockpit reconnects to a survivor by itself (learnt from the cluster's gossip).
    await waitFor(() => {
      const c = rt.store.getState().connections.nats;
      return c.status === 'connected' && c.endpoint !== `127.0.0.1:${a.port}`;
    }, 20_000);
    const again = await runner(rt, layer)('halt', 'HALT', { reason: 'cluster drill, again' });
    expect(again.outcome, again.summary).toBe('VERIFIED');
    const file = await rt.engine.readFile(stack.names.execution, '/app/system.halt');
    expect(file.ok && file.value).toMatch(/^cluster drill, again \[titan-tui tester #\w+\]/);
    expect((await runner(rt, layer)('resume', 'RESUME')).outcome).toBe('VERIFIED');
    await rt.stop();
  }, 90_000);

  it('killed right after the server confirmed: the halt is VERIFIED (it crossed the cluster before the node died)', async () => {
    await first().restart();
    await waitFor(
      async () =>
        (await first().clients()) >= 0 &&
        (await fetch(`http://127.0.0.1:${first().monitorPort}/routez`)
          .then((r) => r.json())
          .then((j: { num_routes?: number }) => (j.num_routes ?? 0) >= 2)
          .catch(() => false)),
      15_000,
    );
    const { rt, layer } = await cockpit();
    let killed = false;
    const report = await runner(rt, layer, (r) => {
      const nats = r.channels.find((c) => c.channel === 'nats');
      if (!killed && nats?.detail.includes('server confirmed receipt')) {
        killed = true;
        void first().kill();
      }
    })('halt', 'HALT', { reason: 'confirmed then killed' });
    expect(killed, 'the node was killed during the action').toBe(true);
    expect(report.outcome, report.summary).toBe('VERIFIED');
    const file = await rt.engine.readFile(stack.names.execution, '/app/system.halt');
    expect(file.ok && file.value).toMatch(/^confirmed then killed \[titan-tui tester #\w+\]/);
    await waitFor(() => {
      const c = rt.store.getState().connections.nats;
      return c.status === 'connected' && c.endpoint !== `127.0.0.1:${first().port}`;
    }, 20_000);
    expect((await runner(rt, layer)('resume', 'RESUME')).outcome).toBe('VERIFIED');
    await rt.stop();
  }, 90_000);
});

describe('the audit mirror on NATS', () => {
  let stack: TitanStack;
  beforeAll(async () => {
    stack = await startTitanStack();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('every record is published on audit.natsSubject and received by a subscriber', async () => {
    const sub = await connect({ servers: stack.nats.url, ...NATS_USERS.brain });
    const got: AuditEntry[] = [];
    const s = sub.subscribe('titan.audit.tui.v1', { callback: (_e, m) => void got.push(m.json<AuditEntry>()) });
    await sub.flush();
    const rt = await stack.runtime({ 'audit-nats-subject': 'titan.audit.tui.v1' });
    const layer = new ActionLayer(rt);
    try {
      const r = await runner(rt, layer)('halt', 'HALT', { reason: 'mirror drill' });
      expect(r.outcome).toBe('VERIFIED');
      layer.recordRefusal(layer.plan('flatten', {}), 'NO', 'CANCELLED', 'wrong confirmation word');
      await waitFor(() => got.length >= 2, 5_000);
      const file = auditOf(stack);
      for (const id of [r.id]) expect(got.find((e) => e.id === id)).toEqual(file.find((e) => e.id === id));
      expect(got.map((e) => e.outcome)).toEqual(expect.arrayContaining(['VERIFIED', 'CANCELLED']));
      expect(rt.store.getState().audit.alarm).toBeNull();
      expect((await runner(rt, layer)('resume', 'RESUME')).outcome).toBe('VERIFIED');
    } finally {
      s.unsubscribe();
      await sub.close();
      layer.dispose();
      await rt.stop();
    }
  }, 60_000);

  it('permission denied: the record is in the local file and the mirror alarm is up', async () => {
    // The read-only user may not publish on the audit subject.
    const rt = await stack.runtime({
      'audit-nats-subject': 'titan.audit.tui.v1',
      'nats-user': NATS_USERS.console.user,
      'nats-pass': NATS_USERS.console.pass,
    });
    await waitFor(() => rt.store.getState().connections.nats.status === 'connected', 10_000);
    const layer = new ActionLayer(rt);
    try {
      layer.recordRefusal(layer.plan('flatten', {}), 'NO', 'CANCELLED', 'wrong confirmation word');
      const alarm = await waitFor(() => rt.store.getState().audit.alarm, 5_000);
      expect(alarm.error).toMatch(
        /^audit mirror to NATS subject titan\.audit\.tui\.v1 failed for record \w+ \(flatten CANCELLED\): NATS refused the publish: Permissions Violation .* — the record is in /,
      );
      const last = auditOf(stack).at(-1);
      expect(last).toMatchObject({ action: 'flatten', outcome: 'CANCELLED' });
      expect(alarm.error).toContain(last?.id);
    } finally {
      layer.dispose();
      await rt.stop();
    }
  }, 60_000);

  it('NATS down: the record is in the local file and the mirror alarm says so', async () => {
    const dead = `nats://127.0.0.1:${await freePort()}`;
    const { loadConfig } = await import('../../src/config/load.js');
    const { createRuntime } = await import('../../src/runtime.js');
    const cfg = join(stack.auditDir, '..', 'empty-config.json');
    (await import('node:fs')).writeFileSync(cfg, '{}');
    const rt2 = createRuntime(
      loadConfig({ configFile: cfg, env: {}, flags: stack.flags({ 'nats-servers': dead, 'audit-nats-subject': 'titan.audit.tui.v1' }) }),
    );
    rt2.start();
    const layer = new ActionLayer(rt2);
    try {
      layer.recordRefusal(layer.plan('flatten', {}), null, 'CANCELLED', 'no confirmation');
      const alarm = await waitFor(() => rt2.store.getState().audit.alarm, 5_000);
      expect(alarm.error).toMatch(
        /^audit mirror to NATS subject titan\.audit\.tui\.v1 failed for record \w+ \(flatten CANCELLED\): not connected to NATS/,
      );
      expect(auditOf(stack).at(-1)).toMatchObject({ action: 'flatten', outcome: 'CANCELLED' });
    } finally {
      layer.dispose();
      await rt2.stop();
    }
  }, 60_000);
});
