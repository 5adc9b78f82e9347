/**
 * Remote Docker engines, for real: Docker over ssh:// through Debian's sshd on a loopback port
 * (the remote side runs `docker system dial-stdio` against the test's dockerd), and Docker over
 * tcp:// with TLS (a CA, server and client certificates made by openssl, a dockerd with --tlsverify).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Engine } from '../../src/services/engine.js';
import { ensureBaseImage, removeTestContainer, runTestContainer, sharedDockerd, startDockerd, type TestDocker } from '../helpers/docker.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { createTestCa, type TestCa } from '../helpers/tls-certs.js';
import { recorder } from '../helpers/recorder.js';

const tag = randomBytes(3).toString('hex');
const n = (what: string) => `tr${tag}-${what}`;
const watch = new RegExp(`^tr${tag}-`);
const LOOP = ['sh', '-c', 'trap "exit 0" TERM; i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.05; done'];
const IDLE = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done'];

describe('Docker over ssh:// through a real sshd', () => {
  let docker: TestDocker;
  let sshd: TestSshd;
  let rec: ReturnType<typeof recorder>;
  let engine: Engine;

  beforeAll(async () => {
    docker = await sharedDockerd();
    await ensureBaseImage(docker);
    await Promise.all([
      runTestContainer(docker, { name: n('execution'), cmd: LOOP, user: '1001' }),
      runTestContainer(docker, { name: n('brain'), cmd: IDLE }),
    ]);
    sshd = await startSshd({ dockerHost: docker.host });
    rec = recorder();
    engine = new Engine(
      { host: sshd.url, ssh: { identityFile: sshd.identityFile, knownHostsFile: sshd.knownHostsFile }, watch, resyncMs: 600_000 },
      rec.emit,
    );
    engine.start();
    await waitFor(() => engine.isConnected(), 20_000);
  }, 60_000);

  afterAll(async () => {
    await engine?.stopService();
    await sshd?.stop();
    if (docker) for (const what of ['execution', 'brain']) await removeTestContainer(docker, n(what));
  });

  test('lists the containers, streams their logs, reads and writes the halt file, restarts', async () => {
    const listed = await engine.list();
    expect(listed.ok && listed.value.map((c) => [c.name, c.state])).toEqual([
      [n('brain'), 'running'],
      [n('execution'), 'running'],
    ]);
    expect(rec.store.getState().connections.docker).toMatchObject({ status: 'connected', endpoint: `ssh://root@127.0.0.1:${sshd.port}` });

    const lines: string[] = [];
    const stopLogs = engine.logs(
      n('execution'),
      { follow: true, tail: 5 },
      (_stream, chunk) => {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      },
      () => undefined,
    );
    await waitFor(() => lines.length >= 10, 10_000);
    stopLogs();
    expect(lines.some((l) => /line-\d+/.test(l))).toBe(true);

    // The halt file, as stop-all writes it: the archive API (works without a shell, as uid 1001).
    const wrote = await engine.writeFile(n('execution'), '/app/system.halt', 'EMERGENCY drill [titan-tui tester #ssh1]\n', {
      uid: 1001,
      gid: 1001,
    });
    expect(wrote.ok, wrote.ok ? '' : wrote.detail).toBe(true);
    const read = await engine.readFile(n('execution'), '/app/system.halt');
    expect(read.ok && read.value).toBe('EMERGENCY drill [titan-tui tester #ssh1]\n');
    const removed = await engine.removeFile(n('execution'), '/app/system.halt');
    expect(removed.ok, removed.ok ? '' : removed.detail).toBe(true);
    const stat = await engine.statPath(n('execution'), '/app/system.halt');
    expect(stat.ok && stat.value.present).toBe(false);

    const before = (await engine.inspect(n('brain'))) as { ok: true; value: { startedAt: string } };
    const restarted = await engine.restart(n('brain'), 2);
    expect(restarted.ok, restarted.ok ? '' : restarted.detail).toBe(true);
    // The restart reaches the list through the event stream, over SSH too.
    await waitFor(() => {
      const c = rec.store.getState().containers.value.find((x) => x.name === n('brain'));
      return c?.state === 'running' && c.startedAt !== before.value.startedAt;
    }, 15_000);
    // Concurrent requests share SSH connections (OpenSSH allows 10 sessions per connection).
    const many = await Promise.all(Array.from({ length: 20 }, () => engine.inspect(n('brain'))));
    expect(many.every((r) => r.ok)).toBe(true);
    expect(engine.sshConnections).toBeLessThanOrEqual(4);
  }, 60_000);

  test('a dropped SSH connection (its sshd process killed) reconnects like a lost local socket', async () => {
    expect(engine.isConnected()).toBe(true);
    const syncs = rec.events.filter((e) => e.type === 'containers.sync').length;
    expect(sshd.killSessions()).toBeGreaterThan(0);
    // The event stream ends with the connection; the monitor logs in again by itself.
    await waitFor(() => rec.events.filter((e) => e.type === 'containers.sync').length > syncs && engine.isConnected(), 20_000);
    await waitFor(() => sshd.sessionPids().length > 0, 5_000);
    // And the new connection carries the events: a stop is seen without a resync.
    const stopped = await engine.stop(n('brain'), 1);
    expect(stopped.ok).toBe(true);
    await waitFor(() => rec.store.getState().containers.value.find((c) => c.name === n('brain'))?.state === 'exited', 10_000);
    expect((await engine.start(n('brain'))).ok).toBe(true);
  }, 60_000);

  test('stopService ends every SSH session: nothing of the engine stays on the server', async () => {
    const rec2 = recorder();
    const e = new Engine(
      { host: sshd.url, ssh: { identityFile: sshd.identityFile, knownHostsFile: sshd.knownHostsFile }, watch, resyncMs: 600_000 },
      rec2.emit,
    );
    const sessionsBefore = sshd.sessionPids().length;
    e.start();
    await waitFor(() => e.isConnected(), 20_000);
    const stopLogs = e.logs(
      n('execution'),
      { follow: true, tail: 1 },
      () => undefined,
      () => undefined,
    );
    await waitFor(() => sshd.sessionPids().length > sessionsBefore, 5_000);
    await e.stopService();
    stopLogs();
    expect(e.sshConnections).toBe(0);
    await waitFor(() => sshd.sessionPids().length === sessionsBefore, 10_000);
  }, 60_000);

  test('an unknown host key, a changed host key and a refused login are operator-readable, and nothing is sent', async () => {
    const unknown = join(sshd.dir, 'known_hosts_empty');
    writeFileSync(unknown, '');
    const e1 = new Engine({ host: sshd.url, ssh: { identityFile: sshd.identityFile, knownHostsFile: unknown }, watch }, () => undefined);
    const r1 = await e1.list();
    expect(r1).toMatchObject({ ok: false, reason: 'engine-down' });
    expect(r1.ok ? '' : r1.detail).toMatch(
      new RegExp(
        `the host key of \\[127\\.0\\.0\\.1\\]:${sshd.port} \\(SHA256:[A-Za-z0-9+/]+\\) is not in .*known_hosts_empty: check the fingerprint`,
      ),
    );
    await e1.stopService();

    const changed = join(sshd.dir, 'known_hosts_changed');
    // A valid ed25519 key that is not the server's.
    writeFileSync(
      changed,
      `[127.0.0.1]:${sshd.port} ${(await import('node:fs')).readFileSync(`${sshd.identityFile}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`,
    );
    const e2 = new Engine({ host: sshd.url, ssh: { identityFile: sshd.identityFile, knownHostsFile: changed }, watch }, () => undefined);
    const r2 = await e2.list();
    expect(r2.ok ? '' : r2.detail).toMatch(/HOST KEY MISMATCH for \[127\.0\.0\.1\]:\d+/);
    await e2.stopService();

    const otherKey = join(sshd.dir, 'other_key');
    (await import('node:child_process')).execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const e3 = new Engine({ host: sshd.url, ssh: { identityFile: otherKey, knownHostsFile: sshd.knownHostsFile }, watch }, () => undefined);
    const r3 = await e3.list();
    expect(r3.ok ? '' : r3.detail).toMatch(/SSH login as root to ssh:\/\/root@127\.0\.0\.1:\d+ was refused .*docker\.ssh\.identityFile/);
    await e3.stopService();

    const e4 = new Engine(
      {
        host: `ssh://root@127.0.0.1:${await freePort()}`,
        ssh: { identityFile: sshd.identityFile, knownHostsFile: sshd.knownHostsFile },
        watch,
      },
      () => undefined,
    );
    const r4 = await e4.list();
    expect(r4.ok ? '' : r4.detail).toMatch(/ECONNREFUSED.*is sshd running there/);
    await e4.stopService();
  }, 60_000);
});

describe('Docker over tcp:// with TLS (--tlsverify)', () => {
  let docker: TestDocker;
  let ca: TestCa;
  let port: number;
  let engine: Engine | undefined;
  let tlsFiles: { caFile: string; certFile: string; keyFile: string };

  beforeAll(async () => {
    ca = createTestCa();
    const server = ca.server('dockerd');
    const client = ca.client('cockpit');
    port = await freePort();
    docker = await startDockerd({
      extraArgs: ['-H', `tcp://127.0.0.1:${port}`, '--tlsverify', '--tlscacert', ca.ca, '--tlscert', server.cert, '--tlskey', server.key],
    });
    await ensureBaseImage(docker);
    await runTestContainer(docker, { name: n('tls'), cmd: LOOP });
    tlsFiles = { caFile: ca.ca, certFile: client.cert, keyFile: client.key };
  }, 120_000);

  afterAll(async () => {
    await engine?.stopService();
    await docker?.stop();
  });

  test('with the CA and a client certificate: list, logs and the event stream work', async () => {
    const rec = recorder();
    engine = new Engine({ host: `tcp://127.0.0.1:${port}`, tls: tlsFiles, watch, resyncMs: 600_000 }, rec.emit);
    engine.start();
    await waitFor(() => engine?.isConnected(), 15_000);
    expect(rec.store.getState().containers.value.map((c) => c.name)).toEqual([n('tls')]);
    const lines: string[] = [];
    const stop = engine.logs(
      n('tls'),
      { follow: true, tail: 3 },
      (_s, c) => lines.push(c.toString('utf8')),
      () => undefined,
    );
    await waitFor(() => lines.join('').includes('line-'), 10_000);
    stop();
    expect((await engine.restart(n('tls'), 1)).ok).toBe(true);
  }, 60_000);

  test('a wrong CA, a missing client certificate and plain tcp:// are clear operator errors', async () => {
    const other = createTestCa('some-other-ca');
    const wrongCa = new Engine({ host: `tcp://127.0.0.1:${port}`, tls: { ...tlsFiles, caFile: other.ca }, watch }, () => undefined);
    const r1 = await wrongCa.list();
    expect(r1).toMatchObject({ ok: false, reason: 'engine-down' });
    expect(r1.ok ? '' : r1.detail).toBe(
      `Docker engine at tcp://127.0.0.1:${port}: TLS: the engine was refused: its certificate is not signed by the CA in docker.tls.caFile (wrong CA file?) (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`,
    );

    const noClientCert = new Engine({ host: `tcp://127.0.0.1:${port}`, tls: { caFile: ca.ca }, watch }, () => undefined);
    const r2 = await noClientCert.list();
    expect(r2.ok ? '' : r2.detail).toMatch(
      new RegExp(`^Docker engine at tcp://127\\.0\\.0\\.1:${port}: TLS: the engine refused our client certificate|not reachable`),
    );

    const plain = new Engine({ host: `tcp://127.0.0.1:${port}`, watch }, () => undefined);
    const r3 = await plain.list();
    expect(r3.ok ? '' : r3.detail).toMatch(/HTTP 400.*HTTPS server|TLS/i);

    const missing = new Engine({ host: `tcp://127.0.0.1:${port}`, tls: { caFile: join(ca.dir, 'nope.pem') }, watch }, () => undefined);
    const r4 = await missing.list();
    expect(r4.ok ? '' : r4.detail).toMatch(/cannot read the Docker TLS CA file .*nope\.pem: ENOENT/);
  }, 60_000);
});
