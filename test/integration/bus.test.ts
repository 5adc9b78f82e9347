/**
 * The Bus against a real nats-server: confirmations, refusals, outages and bad payloads.
 * Observers are plain nats.js connections (not the Bus) so they see what the server really routed.
 */
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bus, type BusOptions } from '../../src/services/bus.js';
import type { CockpitEvent } from '../../src/state/events.js';
import type { ConnState } from '../../src/state/types.js';
import { NATS_USERS, type NatsServer, startNatsServer } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/ports.js';

const HALT = 'titan.cmd.sys.halt.v1';
const FAST_BACKOFF = { initialMs: 100, maxMs: 300, jitter: 0 };

let server: NatsServer;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  server = await startNatsServer();
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  await server.stop();
});

function recorder() {
  const events: CockpitEvent[] = [];
  return {
    events,
    emit: (e: CockpitEvent) => void events.push(e),
    conn: (): ConnState[] => events.flatMap((e) => (e.type === 'conn' && e.target === 'nats' ? [e.state] : [])),
    of: <K extends CockpitEvent['type']>(type: K) => events.filter((e): e is Extract<CockpitEvent, { type: K }> => e.type === type),
  };
}

function makeBus(user: { user: string; pass: string }, extra: Partial<BusOptions> = {}) {
  const rec = recorder();
  const bus = new Bus({ servers: [server.url], user: user.user, pass: user.pass, backoff: FAST_BACKOFF, ...extra }, rec.emit);
  cleanups.push(() => bus.stop());
  return { bus, rec };
}

async function startedBus(user: { user: string; pass: string }, extra: Partial<BusOptions> = {}) {
  const made = makeBus(user, extra);
  made.bus.start();
  await waitFor(() => made.bus.isConnected(), 5000);
  return made;
}

/** A brain-user connection that records every message on `subject`; ready when this resolves. */
async function observe(subject: string) {
  const nc: NatsConnection = await connect({ servers: [server.url], ...NATS_USERS.brain, reconnect: false });
  cleanups.push(() => nc.close());
  const got: { subject: string; text: string }[] = [];
  nc.subscribe(subject, { callback: (_e, m: Msg) => void got.push({ subject: m.subject, text: m.string() }) });
  await nc.flush();
  return { nc, got };
}

const anyJson = (d: unknown) => ({ ok: true as const, value: d });

describe('Bus against a real nats-server', () => {
  it('confirms a publish as brain, and another connection really receives it', async () => {
    const watcher = await observe(HALT);
    const { bus, rec } = await startedBus(NATS_USERS.brain);

    const res = await bus.publishCommand(HALT, { state: 'HARD_HALT', reason: 'test' });

    expect(res).toMatchObject({ ok: true });
    expect(res.latencyMs).toBeLessThan(1000);
    await waitFor(() => watcher.got.length === 1, 2000);
    expect(JSON.parse(watcher.got[0]?.text ?? '')).toEqual({ state: 'HARD_HALT', reason: 'test' });
    const connected = rec.conn().find((s) => s.status === 'connected');
    expect(connected?.endpoint).toBe(`127.0.0.1:${server.port}`);
  });

  it('reports permission-denied for a read-only user, and nothing reaches subscribers', async () => {
    const watcher = await observe(HALT);
    const { bus, rec } = await startedBus(NATS_USERS.console);

    const res = await bus.publishCommand(HALT, { state: 'HARD_HALT' });

    expect(res).toMatchObject({ ok: false, reason: 'permission-denied' });
    if (!res.ok) expect(res.detail).toContain(HALT);
    expect(rec.of('bus.denied')).toEqual([
      expect.objectContaining({ subject: HALT, error: expect.stringMatching(/Permissions Violation for Publish/) }),
    ]);

    // Canary from another connection, sent after the refusal: had the halt been routed, it would arrive first.
    const brain = await connect({ servers: [server.url], ...NATS_USERS.brain, reconnect: false });
    cleanups.push(() => brain.close());
    brain.publish(HALT, '"canary"');
    await brain.flush();
    await waitFor(() => watcher.got.length >= 1, 2000);
    expect(watcher.got.map((m) => m.text)).toEqual(['"canary"']);

    // The correlation is per subject: a permitted publish right after is not blamed for the earlier refusal...
    expect(await bus.publishCommand('$JS.API.INFO', {})).toMatchObject({ ok: true });
    // ...and the same refused subject is refused again.
    expect(await bus.publishCommand(HALT, { state: 'HARD_HALT' })).toMatchObject({ ok: false, reason: 'permission-denied' });
    expect(rec.of('bus.denied')).toHaveLength(2);
  });

  it('reports a refused subscription as bus.denied, without throwing, and keeps permitted ones', async () => {
    const { bus, rec } = await startedBus(NATS_USERS.console);
    const got: unknown[] = [];
    expect(() => bus.subscribe('titan.cmd.>', anyJson, () => undefined)).not.toThrow();
    bus.subscribe('titan.evt.test.v1', anyJson, (v) => void got.push(v));
    await waitFor(() => rec.of('bus.denied').length === 1, 2000);
    expect(rec.of('bus.denied')[0]).toMatchObject({
      subject: 'titan.cmd.>',
      error: expect.stringMatching(/Permissions Violation for Subscription/),
    });

    const brain = await connect({ servers: [server.url], ...NATS_USERS.brain, reconnect: false });
    cleanups.push(() => brain.close());
    await bus.publishCommand('$JS.API.INFO', {}); // round trip: our SUBs are in place
    brain.publish('titan.evt.test.v1', '{"still":"alive"}');
    await waitFor(() => got.length === 1, 2000);
    expect(bus.isConnected()).toBe(true);
  });

  it('fails fast with not-connected when the server is down, and never delivers that command later', async () => {
    // Slow, fixed backoff: once a reconnect attempt has failed, the next is 1.5 s away, leaving time to arm the watcher.
    const { bus, rec } = await startedBus(NATS_USERS.brain, { backoff: { initialMs: 1500, maxMs: 1500, jitter: 0 } });
    await server.kill();
    await waitFor(() => rec.conn().some((s) => s.status === 'reconnecting'), 3000);
    await waitFor(() => !bus.isConnected(), 1000);

    const t0 = Date.now();
    const res = await bus.publishCommand(HALT, { state: 'HARD_HALT' });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(res).toMatchObject({ ok: false, reason: 'not-connected' });
    if (!res.ok) expect(res.detail).toMatch(/NOT sent/);

    await server.restart();
    const watcher = await observe(HALT);
    const readyAt = Date.now();
    await waitFor(() => bus.isConnected(), 5000);
    const connectedAt = rec.conn().findLast((s) => s.status === 'connected')?.since ?? 0;
    expect(connectedAt).toBeGreaterThanOrEqual(readyAt); // the watcher was listening before the bus came back

    // A canary on the same connection follows anything the client might have buffered.
    expect(await bus.publishCommand(HALT, 'canary')).toMatchObject({ ok: true });
    await waitFor(() => watcher.got.length >= 1, 2000);
    expect(watcher.got.map((m) => m.text)).toEqual(['"canary"']);
  });

  it('a publish racing the crash is never reported ok, and returns promptly', async () => {
    const { bus } = await startedBus(NATS_USERS.brain, { backoff: { initialMs: 1500, maxMs: 1500, jitter: 0 } });
    await server.kill();
    const t0 = Date.now();
    const res = await bus.publishCommand(HALT, { state: 'HARD_HALT' });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(['not-connected', 'unconfirmed', 'error']).toContain(res.reason);
  });

  it('reports unconfirmed (not ok, not failed) when the server is alive but frozen', async () => {
    const { bus } = await startedBus(NATS_USERS.brain, { confirmTimeoutMs: 300 });
    cleanups.push(async () => server.thaw());
    await server.freeze();
    const res = await bus.publishCommand(HALT, { state: 'HARD_HALT' });
    server.thaw();
    expect(res).toMatchObject({ ok: false, reason: 'unconfirmed' });
    expect(res.latencyMs).toBeGreaterThanOrEqual(290);
    expect(res.latencyMs).toBeLessThan(1000);
    if (!res.ok) expect(res.detail).toMatch(/may or may not have been delivered/);
  });

  it('a frozen server shows as connected but not answering within quiet + answer time, and as answering once it thaws', async () => {
    const { bus, rec } = await startedBus(NATS_USERS.brain, { quietMs: 400, answerMs: 300 });
    const ticks = await observe('titan.test.tick');
    bus.subscribe('titan.test.tick', anyJson, () => undefined);
    // While messages arrive from the server, nothing is reported and no ping is needed.
    const before = rec.conn().length;
    for (let i = 0; i < 6; i++) {
      ticks.nc.publish('titan.test.tick', '{}');
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(rec.conn().slice(before)).toEqual([]);

    cleanups.push(async () => server.thaw());
    const frozenAt = Date.now();
    await server.freeze();
    const silent = await waitFor(() => rec.conn().find((c) => c.silentSince !== undefined), 3000);
    expect(silent.status).toBe('connected');
    // Since it was last heard, which is before the freeze; reported after the quiet and answer times.
    expect(silent.silentSince).toBeLessThanOrEqual(frozenAt);
    expect(silent.lastOk).toBe(silent.silentSince);
    const reportedAfter = rec.events.length;

    server.thaw();
    await waitFor(() => rec.conn().at(-1)?.silentSince === undefined && rec.events.length > reportedAfter, 3000);
    const back = rec.conn().at(-1) as ConnState;
    expect(back.status).toBe('connected');
    expect(back.lastOk).toBeGreaterThan(silent.silentSince as number);
    expect(bus.isConnected()).toBe(true);
  });

  it('reconnects by itself after a crash; publishes and earlier subscriptions work again', async () => {
    const { bus, rec } = await startedBus(NATS_USERS.brain);
    const got: unknown[] = [];
    bus.subscribe('titan.evt.risk.state.v1', anyJson, (v) => void got.push(v));
    await bus.publishCommand('titan.evt.risk.state.v1', 'Normal');
    await waitFor(() => got.length === 1, 2000);

    await server.kill();
    await waitFor(() => rec.conn().some((s) => s.status === 'reconnecting'), 3000);
    await server.restart();
    await waitFor(() => bus.isConnected(), 5000);

    const states = rec.conn().map((s) => s.status);
    const lastReconnecting = states.lastIndexOf('reconnecting');
    expect(states.indexOf('disconnected', states.indexOf('connected'))).toBeGreaterThan(0);
    expect(states.slice(lastReconnecting)).toEqual(['reconnecting', 'connected']);
    const firstRetry = rec.conn().find((s) => s.status === 'reconnecting');
    expect(firstRetry?.attempt).toBe(1);
    expect(firstRetry?.error).toMatch(/lost/);

    expect(await bus.publishCommand(HALT, { state: 'OPEN' })).toMatchObject({ ok: true });
    const other = await connect({ servers: [server.url], ...NATS_USERS.brain, reconnect: false });
    cleanups.push(() => other.close());
    other.publish('titan.evt.risk.state.v1', '"Defensive"');
    await other.flush();
    await waitFor(() => got.length === 2, 2000);
    expect(got).toEqual(['Normal', 'Defensive']);
  });

  it('started while the server is down: keeps trying, then connects by itself and creates early subscriptions', async () => {
    await server.kill();
    const { bus, rec } = makeBus(NATS_USERS.brain);
    const got: unknown[] = [];
    bus.subscribe('titan.evt.x.v1', anyJson, (v) => void got.push(v));
    bus.start();

    await waitFor(() => rec.conn().filter((s) => s.status === 'disconnected').length >= 2, 3000);
    const states = rec.conn();
    expect(states[0]?.status).toBe('connecting');
    expect(states.find((s) => s.status === 'disconnected')?.error).toMatch(/connection refused/i);
    // Never connected yet: retries are 'connecting' attempts, each failure keeps the server's reason.
    expect(states.some((s) => s.status === 'connecting' && (s.attempt ?? 0) >= 2 && /refused/i.test(s.error ?? ''))).toBe(true);
    expect(await bus.publishCommand(HALT, {})).toMatchObject({ ok: false, reason: 'not-connected' });

    await server.restart();
    await waitFor(() => bus.isConnected(), 5000);
    expect(rec.conn().at(-1)).toMatchObject({ status: 'connected', endpoint: `127.0.0.1:${server.port}` });
    expect(await bus.publishCommand('titan.evt.x.v1', { n: 1 })).toMatchObject({ ok: true });
    await waitFor(() => got.length === 1, 2000);
  });

  it('reports malformed payloads as events and keeps the subscription working', async () => {
    const { bus, rec } = await startedBus(NATS_USERS.brain);
    const good: { n: number }[] = [];
    const validate = (d: unknown) =>
      typeof d === 'object' && d !== null && typeof (d as { n?: unknown }).n === 'number'
        ? { ok: true as const, value: d as { n: number } }
        : { ok: false as const, error: 'expected {n: number}' };
    bus.subscribe('titan.evt.m.>', validate, (v) => void good.push(v));

    const pub = await connect({ servers: [server.url], ...NATS_USERS.brain, reconnect: false });
    cleanups.push(() => pub.close());
    await bus.publishCommand('titan.evt.m.sync', {}); // SUB is in place (and this counts as one malformed message)
    pub.publish('titan.evt.m.a', new Uint8Array([0xff, 0xfe, 0x00, 0x1b]));
    pub.publish('titan.evt.m.b', 'not json at all');
    pub.publish('titan.evt.m.c', '{"n":"one"}');
    pub.publish('titan.evt.m.d', '{"n":1}');
    await pub.flush();

    await waitFor(() => good.length === 1, 2000);
    expect(good).toEqual([{ n: 1 }]);
    const bad = rec.of('bus.malformed');
    expect(bad.map((e) => e.subject)).toEqual(['titan.evt.m.sync', 'titan.evt.m.a', 'titan.evt.m.b', 'titan.evt.m.c']);
    expect(bad[1]?.error).toMatch(/UTF-8|JSON/);
    expect(bad[2]?.error).toMatch(/not valid JSON/);
    expect(bad[3]?.error).toMatch(/expected \{n: number\}/);
    expect(bus.stats()).toMatchObject({ malformed: 4, received: 5 });
  });

  it('reports a wrong password readably, without the password, and keeps retrying', async () => {
    const secret = 'wrong-Pa55-xyzzy';
    const { bus, rec } = makeBus({ user: 'brain', pass: secret });
    bus.start();
    await waitFor(() => rec.conn().filter((s) => s.status === 'disconnected').length >= 2, 3000);

    const failure = rec.conn().find((s) => s.status === 'disconnected');
    expect(failure?.error).toMatch(/Authorization Violation/i);
    expect(JSON.stringify(rec.events)).not.toContain(secret);
    expect(bus.isConnected()).toBe(false);
    const res = await bus.publishCommand(HALT, {});
    expect(res).toMatchObject({ ok: false, reason: 'not-connected' });
    expect(JSON.stringify(res)).not.toContain(secret);
  });

  it('stop() closes the connection and ends the retry loop', async () => {
    const { bus, rec } = await startedBus(NATS_USERS.brain);
    await bus.stop();
    expect(bus.isConnected()).toBe(false);
    expect(rec.conn().at(-1)?.status).toBe('disconnected');
    const count = rec.events.length;
    await server.kill();
    await new Promise((r) => setTimeout(r, 400)); // several backoff periods: nothing may happen
    expect(rec.events.length).toBe(count);
  });
});
