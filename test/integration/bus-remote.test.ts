/**
 * The cockpit's NATS link against real servers the way a remote deployment runs them: TLS with a
 * CA of the test's own (and client certificates), an nkey user, a creds file of an operator/JWT
 * mode server (JWTs minted with @nats-io/jwt), and a 3-node cluster that loses the cockpit's node.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { Bus, type BusOptions } from '../../src/services/bus.js';
import type { CockpitEvent } from '../../src/state/events.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';
import { NATS_USERS, startNatsServer } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/ports.js';
import { createTestCa } from '../helpers/tls-certs.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function startBus(opts: BusOptions) {
  const events: CockpitEvent[] = [];
  const bus = new Bus({ backoff: { initialMs: 100, maxMs: 300 }, ...opts }, (e) => void events.push(e));
  cleanups.push(() => bus.stop());
  bus.start();
  const errors = () => events.flatMap((e) => (e.type === 'conn' && e.state.error ? [e.state.error] : []));
  const conn = () => [...events].reverse().find((e) => e.type === 'conn') as Extract<CockpitEvent, { type: 'conn' }> | undefined;
  return { bus, events, errors, conn };
}

const dir = () => mkdtempSync(join(tmpdir(), 'bus-remote-'));

describe('NATS over TLS with a generated CA', () => {
  it('mutual TLS: connects with the CA and a client certificate; a wrong CA and a missing client certificate are readable', async () => {
    const ca = createTestCa();
    const server = ca.server('nats');
    const nats = await startNatsServer({
      extraConfig: `tls { cert_file: "${server.cert}", key_file: "${server.key}", ca_file: "${ca.ca}", verify: true, timeout: 2 }`,
    });
    cleanups.push(() => nats.stop());
    const client = ca.client('cockpit');
    const good = startBus({
      servers: [nats.url],
      ...NATS_USERS.brain,
      tls: { caFile: ca.ca, certFile: client.cert, keyFile: client.key },
    });
    await waitFor(() => good.bus.isConnected(), 10_000);
    expect(await good.bus.publishCommand('titan.cmd.test.v1', { ok: 1 })).toMatchObject({ ok: true });

    const other = createTestCa('not-the-servers-ca');
    const wrongCa = startBus({
      servers: [nats.url],
      ...NATS_USERS.brain,
      tls: { caFile: other.ca, certFile: client.cert, keyFile: client.key },
    });
    await waitFor(() => wrongCa.errors().length > 0, 10_000);
    expect(wrongCa.bus.isConnected()).toBe(false);
    expect(wrongCa.errors()[0]).toMatch(/certificate|verify/i);

    const noCert = startBus({ servers: [nats.url], ...NATS_USERS.brain, tls: { caFile: ca.ca } });
    await waitFor(() => noCert.errors().length > 0, 10_000);
    expect(noCert.bus.isConnected()).toBe(false);
  }, 30_000);
});

describe('NATS authentication by nkey and by creds file', () => {
  it('nkey: the seed file logs in; another seed is refused; the seed never shows', async () => {
    const user = createUser();
    const stranger = createUser();
    const nats = await startNatsServer({
      auth: `authorization { users = [ { nkey: "${user.getPublicKey()}", permissions: { publish: ["titan.>", "_INBOX.>"], subscribe: [">"] } } ] }`,
    });
    cleanups.push(() => nats.stop());
    const d = dir();
    const seedFile = join(d, 'user.nk');
    writeFileSync(seedFile, `${new TextDecoder().decode(user.getSeed())}\n`, { mode: 0o600 });
    const good = startBus({ servers: [nats.url], nkeyFile: seedFile });
    await waitFor(() => good.bus.isConnected(), 10_000);
    expect(await good.bus.publishCommand('titan.cmd.sys.halt.v1', { state: 'HARD_HALT' })).toMatchObject({ ok: true });
    const denied = await good.bus.publishCommand('other.subject', {});
    expect(denied).toMatchObject({ ok: false, reason: 'permission-denied' });

    const strangerFile = join(d, 'stranger.nk');
    const strangerSeed = new TextDecoder().decode(stranger.getSeed());
    writeFileSync(strangerFile, strangerSeed);
    const bad = startBus({ servers: [nats.url], nkeyFile: strangerFile });
    await waitFor(() => bad.errors().length > 0, 10_000);
    expect(bad.errors()[0]).toMatch(/Authorization Violation/i);
    expect(JSON.stringify([...bad.events, ...good.events])).not.toContain(strangerSeed);

    const notASeed = join(d, 'not-a-seed');
    writeFileSync(notASeed, 'hello');
    const broken = startBus({ servers: [nats.url], nkeyFile: notASeed });
    await waitFor(() => broken.errors().length > 0, 10_000);
    expect(broken.errors()[0]).toBe(`cannot read NATS nkey seed file (it must hold a user seed, SU...) ${notASeed} (EINVAL)`);
  }, 30_000);

  it('creds file: operator/JWT mode (JWTs minted with @nats-io/jwt, memory resolver) logs in and publishes', async () => {
    const operator = createOperator();
    const account = createAccount();
    const user = createUser();
    const opJwt = await encodeOperator('titan-test-op', operator);
    // (No system account: nats-server 2.9 makes its own and only warns.)
    // An account JWT without limits allows no connection at all: unlimited, as `nsc add account` makes it.
    const unlimited = { conn: -1, subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, leaf: -1 };
    const accJwt = await encodeAccount('TITAN', account, { limits: unlimited }, { signer: operator });
    const userJwt = await encodeUser('cockpit', user, account, {
      pub: { allow: ['titan.>', '_INBOX.>'], deny: [] },
      sub: { allow: ['>'], deny: [] },
    });
    const d = dir();
    const opFile = join(d, 'operator.jwt');
    writeFileSync(opFile, opJwt);
    const credsFile = join(d, 'cockpit.creds');
    writeFileSync(credsFile, fmtCreds(userJwt, user), { mode: 0o600 });
    const nats = await startNatsServer({
      auth: `operator: "${opFile}"\nresolver: MEMORY\nresolver_preload: { ${account.getPublicKey()}: "${accJwt}" }`,
    });
    cleanups.push(() => nats.stop());
    const good = startBus({ servers: [nats.url], credsFile });
    await waitFor(() => good.bus.isConnected(), 10_000).catch((e: Error) => {
      throw new Error(`${e.message}: ${good.errors().join(' | ')}`);
    });
    expect(await good.bus.publishCommand('titan.cmd.sys.halt.v1', { state: 'HARD_HALT' })).toMatchObject({ ok: true });
    expect(await good.bus.publishCommand('elsewhere.v1', {})).toMatchObject({ ok: false, reason: 'permission-denied' });

    // A user of another account (not known to the server) is refused, readably.
    const otherAccount = createAccount();
    const other = createUser();
    const otherCreds = join(d, 'other.creds');
    writeFileSync(otherCreds, fmtCreds(await encodeUser('intruder', other, otherAccount), other));
    const bad = startBus({ servers: [nats.url], credsFile: otherCreds });
    await waitFor(() => bad.errors().length > 0, 10_000);
    expect(bad.errors()[0]).toMatch(/Authorization Violation/i);

    const missing = startBus({ servers: [nats.url], credsFile: join(d, 'nope.creds') });
    await waitFor(() => missing.errors().length > 0, 10_000);
    expect(missing.errors()[0]).toBe(`cannot read NATS creds file ${join(d, 'nope.creds')} (ENOENT)`);
  }, 30_000);
});

describe('a 3-node NATS cluster', () => {
  it('the node the cockpit uses dies: it reconnects to a survivor and its subscriptions follow', async () => {
    const cluster = await startNatsCluster();
    cleanups.push(() => cluster.stop());
    // Every node configured, as an operator would; nats.js picks one at random.
    const cockpit = startBus({ servers: cluster.urls, ...NATS_USERS.brain, pingIntervalMs: 1000 });
    await waitFor(() => cockpit.bus.isConnected(), 10_000);
    const endpoint = cockpit.conn()?.state.endpoint;
    const a = cluster.nodes.find((n) => endpoint === `127.0.0.1:${n.port}`);
    const b = cluster.nodes.find((n) => n !== a);
    if (!a || !b) throw new Error(`connected to ${endpoint}, not a node of the cluster`);
    expect(await a.clients()).toBe(1);
    const got: unknown[] = [];
    cockpit.bus.subscribe(
      'titan.evt.execution.test.v1',
      (v) => ({ ok: true, value: v }),
      (v) => got.push(v),
    );

    const peer = await connect({ servers: b.url, ...NATS_USERS.execution });
    cleanups.push(() => peer.close());
    await waitFor(
      async () => {
        peer.publish('titan.evt.execution.test.v1', JSON.stringify({ n: 1 }));
        await peer.flush();
        return got.length > 0;
      },
      10_000,
      200,
    );

    await a.kill();
    await waitFor(() => cockpit.bus.isConnected() && cockpit.conn()?.state.endpoint !== `127.0.0.1:${a.port}`, 15_000);
    expect(cockpit.conn()?.state.status).toBe('connected');
    const before = got.length;
    await waitFor(
      async () => {
        peer.publish('titan.evt.execution.test.v1', JSON.stringify({ n: 2 }));
        await peer.flush();
        return got.length > before;
      },
      10_000,
      200,
    );
    expect(await cockpit.bus.publishCommand('titan.cmd.test.v1', {})).toMatchObject({ ok: true });
  }, 60_000);
});
