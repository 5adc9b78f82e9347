/**
 * The stop-path checks against a real nats-server: what the readiness line says about the halt's
 * publish permission while NATS connects, drops and comes back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { resolveContract } from '../../src/contract/resolve.js';
import { Bus } from '../../src/services/bus.js';
import { NATS_CHECKING, StopPathChecks } from '../../src/services/stop-path-checks.js';
import { createCockpitStore } from '../../src/state/store.js';
import { NATS_USERS, type NatsServer, startNatsServer } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/ports.js';

let server: NatsServer;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  server = await startNatsServer();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
  await server.stop();
});

describe('stop-path checks: the NATS publish permission', () => {
  it('says "checking" from the moment NATS (re)connects until the new result, never the old one', async () => {
    const store = createCockpitStore();
    const bus = new Bus({ servers: [server.url], ...NATS_USERS.brain, backoff: { initialMs: 100, maxMs: 300, jitter: 0 } }, store.emit);
    const checks = new StopPathChecks({
      bus,
      store,
      emit: store.emit,
      contract: resolveContract('titan'),
      config: configSchema.parse({}),
      operator: 'tester',
      serviceUrl: async () => null,
      intervalMs: 600_000,
    });
    cleanups.push(
      () => bus.stop(),
      () => checks.stop(),
    );
    // What the readiness line would read: each new permission result, with whether NATS was up then.
    const seen: Array<{ detail: string; connected: boolean }> = [];
    store.subscribe((s, p) => {
      const c = s.checks['nats-permission'];
      if (c && c !== p.checks['nats-permission']) seen.push({ detail: c.detail, connected: s.connections.nats.status === 'connected' });
    });
    const real = (d: string) => d !== NATS_CHECKING && d !== 'NATS not connected';

    checks.start(); // before the bus: its first run finds NATS not connected
    await waitFor(() => seen.length > 0, 5000);
    expect(seen[0]).toEqual({ detail: 'NATS not connected', connected: false });
    bus.start();
    await waitFor(() => seen.some((x) => real(x.detail)), 10_000);
    const connectedAt = seen.findIndex((x) => x.connected);
    expect(seen[connectedAt]?.detail).toBe(NATS_CHECKING);
    expect(seen.slice(connectedAt).every((x) => x.detail !== 'NATS not connected')).toBe(true);

    // NATS drops and comes back: the same "checking", then a fresh result.
    await server.kill();
    await waitFor(() => store.getState().connections.nats.status !== 'connected', 10_000);
    const before = seen.length;
    await server.restart();
    await waitFor(() => seen.slice(before).some((x) => real(x.detail)), 15_000);
    const after = seen.slice(before);
    expect(after[0]).toEqual({ detail: NATS_CHECKING, connected: true });
    expect(after.some((x) => x.detail === 'NATS not connected')).toBe(false);
  }, 40_000);
});
