/**
 * The Docker engine service against a real, private dockerd (no mocks): list + live events,
 * logs (multiplexed and TTY), files through the archive API, container control, exec, and
 * surviving the daemon going away and coming back.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Engine } from '../../src/services/engine.js';
import { StdDemuxer } from '../../src/services/engine/demux.js';
import { readFirstEntry, writeTar } from '../../src/services/engine/tar.js';
import {
  dockerClient,
  ensureBaseImage,
  removeTestContainer,
  runTestContainer,
  sharedDockerd,
  startDockerd,
  type TestDocker,
} from '../helpers/docker.js';
import { freezeProcess } from '../helpers/freeze.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { SIM_MOUNT, startSimContainers } from '../helpers/sim-containers.js';
import { recorder } from '../helpers/recorder.js';

const tag = randomBytes(3).toString('hex');
const n = (what: string) => `tt${tag}-${what}`;
const watch = new RegExp(`^tt${tag}-`);

/** Writes numbered lines to stdout and stderr forever; exits at once on SIGTERM. */
const LOOP = ['sh', '-c', 'trap "exit 0" TERM; i=0; while true; do echo out-$i; echo err-$i >&2; i=$((i+1)); sleep 0.05; done'];
/** Idles; exits at once on SIGTERM (a plain `sleep` as PID 1 would ignore it). */
const IDLE = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done'];

describe('engine stream formats (no daemon needed)', () => {
  test('the stdcopy demuxer reassembles frames split anywhere, even byte by byte', () => {
    const frame = (kind: number, text: string) => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = kind;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    const wire = Buffer.concat([frame(1, 'hello '), frame(2, 'oops\n'), frame(1, 'world\n')]);
    const got: string[] = [];
    const d = new StdDemuxer((s, p) => got.push(`${s}:${p.toString()}`));
    for (const byte of wire) d.push(Buffer.from([byte]));
    expect(got).toEqual(['stdout:hello ', 'stderr:oops\n', 'stdout:world\n']);
    expect(d.buffered).toBe(0);
  });

  test('tar writer output is read back, including a PAX long name', () => {
    const long = `${'d'.repeat(120)}/file.txt`;
    const archive = writeTar([{ name: long, content: 'payload', mode: 0o640, uid: 1001, gid: 1001 }]);
    const entry = readFirstEntry(archive);
    expect(entry.kind).toBe('entry');
    if (entry.kind !== 'entry') return;
    expect(entry.header).toMatchObject({ name: long, type: 'file', size: 7, mode: 0o640, uid: 1001, gid: 1001 });
    expect(entry.content.toString()).toBe('payload');
    expect(readFirstEntry(archive.subarray(0, 512 * 3 + 3)).kind).toBe('truncated');
  });
});

describe('Engine against a real dockerd', () => {
  let docker: TestDocker;
  let rec: ReturnType<typeof recorder>;
  let engine: Engine;

  beforeAll(async () => {
    docker = await sharedDockerd();
    await ensureBaseImage(docker);
    await Promise.all([
      runTestContainer(docker, { name: n('loop'), cmd: LOOP }),
      runTestContainer(docker, {
        name: n('tty'),
        cmd: ['sh', '-c', 'trap "exit 0" TERM; i=0; while true; do echo tty-$i; echo tty-err-$i >&2; i=$((i+1)); sleep 0.05; done'],
        tty: true,
      }),
      runTestContainer(docker, {
        name: n('healthy'),
        cmd: ['sh', '-c', 'touch /tmp/ok; trap "exit 0" TERM; while true; do sleep 0.1; done'],
        healthcheck: { test: ['CMD-SHELL', 'test -e /tmp/ok'], intervalMs: 200 },
      }),
      runTestContainer(docker, { name: n('flappy'), cmd: ['sh', '-c', 'sleep 0.2; exit 3'], restartPolicy: 'always' }),
      runTestContainer(docker, { name: n('ctl'), cmd: IDLE, user: '1001' }),
      runTestContainer(docker, { name: `other${tag}`, cmd: IDLE }),
    ]);
    rec = recorder();
    // A long resync period: whatever changes in these tests arrives through the event stream.
    engine = new Engine({ host: docker.host, watch, resyncMs: 600_000 }, rec.emit);
    engine.start();
    await waitFor(() => engine.isConnected(), 10_000);
  });

  afterAll(async () => {
    await engine?.stopService();
    if (docker) {
      for (const what of ['loop', 'tty', 'healthy', 'flappy', 'ctl', 'stopped']) await removeTestContainer(docker, n(what));
      await removeTestContainer(docker, `other${tag}`);
      await docker.stop();
    }
  });

  test('list() shows the watched containers with state, health and restart count', async () => {
    const healthy = await waitFor(async () => {
      const r = await engine.list();
      if (!r.ok) throw new Error(r.detail);
      const h = r.value.find((c) => c.name === n('healthy'));
      const f = r.value.find((c) => c.name === n('flappy'));
      return h?.health === 'healthy' && (f?.restartCount ?? 0) >= 1 ? r.value : null;
    }, 15_000);
    const names = healthy.map((c) => c.name);
    expect(names).toEqual([n('ctl'), n('flappy'), n('healthy'), n('loop'), n('tty')]);
    expect(names).not.toContain(`other${tag}`);
    const loop = healthy.find((c) => c.name === n('loop'));
    expect(loop).toMatchObject({
      state: 'running',
      health: 'none',
      image: 'titan-sim-base:test',
      tty: false,
      exitCode: null,
      restartCount: 0,
    });
    expect(Date.parse(loop?.startedAt ?? '')).toBeGreaterThan(Date.now() - 120_000);
    expect(healthy.find((c) => c.name === n('tty'))?.tty).toBe(true);
    // The store got the same list from the engine's own sync.
    expect(rec.store.getState().containers.value.map((c) => c.name)).toContain(n('loop'));
    expect(rec.store.getState().connections.docker).toMatchObject({ status: 'connected', endpoint: docker.host });
  });

  test('a container stopped outside the cockpit shows as exited within 2 s (event stream)', async () => {
    await runTestContainer(docker, { name: n('stopped'), cmd: IDLE });
    await waitFor(() => rec.store.getState().containers.value.find((c) => c.name === n('stopped'))?.state === 'running', 5_000);
    const syncsBefore = rec.events.filter((e) => e.type === 'containers.sync').length;
    await dockerClient(docker).getContainer(n('stopped')).stop({ t: 0 });
    const t0 = Date.now();
    const seen = await waitFor(
      () => rec.store.getState().containers.value.find((c) => c.name === n('stopped') && c.state === 'exited'),
      2_000,
    );
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(seen.finishedAt).not.toBe('');
    expect(seen.exitCode).not.toBeNull();
    expect(rec.events.filter((e) => e.type === 'containers.sync').length).toBeGreaterThan(syncsBefore);
    // Removing it makes it disappear from the store as well.
    await removeTestContainer(docker, n('stopped'));
    await waitFor(() => !rec.store.getState().containers.value.some((c) => c.name === n('stopped')), 2_000);
  });

  test('logs() streams stdout and stderr on their own streams, and stop() ends the flow', async () => {
    const got: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
    const ends: (string | undefined)[] = [];
    const stop = engine.logs(
      n('loop'),
      { follow: true, tail: 5 },
      (s, chunk) => (got[s] += chunk.toString()),
      (e) => ends.push(e),
    );
    await waitFor(() => got.stdout.split('\n').length > 15 && got.stderr.split('\n').length > 15, 10_000);
    stop();
    const outLines = got.stdout.trim().split('\n');
    const errLines = got.stderr.trim().split('\n');
    expect(outLines.every((l) => /^out-\d+$/.test(l))).toBe(true);
    expect(errLines.every((l) => /^err-\d+$/.test(l))).toBe(true);
    // Consecutive numbers: nothing lost or interleaved wrongly while following.
    const nums = outLines.map((l) => Number(l.slice(4)));
    expect(nums.slice(1).every((v, i) => v === (nums[i] ?? -2) + 1)).toBe(true);
    const frozen = got.stdout.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(got.stdout.length).toBe(frozen);
    expect(ends).toEqual([]);
  });

  test('logs() of a TTY container arrives raw, all on stdout; the stream ends when the container stops', async () => {
    const got: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
    const ends: (string | undefined)[] = [];
    engine.logs(
      n('tty'),
      { follow: true, tail: 20, timestamps: true },
      (s, chunk) => (got[s] += chunk.toString()),
      (e) => ends.push(e),
    );
    await waitFor(() => /tty-err-\d+/.test(got.stdout) && /tty-\d+/.test(got.stdout), 10_000);
    expect(got.stderr).toBe('');
    expect(got.stdout).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z tty-/m);
    expect(got.stdout).toContain('\r\n'); // the pseudo-terminal's line endings: proof it is the raw stream
    expect((await engine.stop(n('tty'), 2)).ok).toBe(true);
    await waitFor(() => ends.length === 1, 5_000);
    expect(ends).toEqual([undefined]);
  });

  test('a non-following logs() call returns the tail and ends; a missing container ends with an error', async () => {
    let out = '';
    const ends: (string | undefined)[] = [];
    engine.logs(
      n('loop'),
      { follow: false, tail: 3 },
      (s, c) => {
        if (s === 'stdout') out += c.toString();
      },
      (e) => ends.push(e),
    );
    await waitFor(() => ends.length === 1, 5_000);
    expect(ends).toEqual([undefined]);
    expect(out.trim().split('\n').length).toBeLessThanOrEqual(3);
    expect(out).toMatch(/out-\d+/);
    const errors: (string | undefined)[] = [];
    engine.logs(
      n('ghost'),
      { follow: true },
      () => undefined,
      (e) => errors.push(e),
    );
    await waitFor(() => errors.length === 1, 5_000);
    expect(errors[0]).toBe(`container ${n('ghost')} not found`);
  });

  test('halt file round trip: writeFile, statPath, readFile, removeFile', async () => {
    const c = n('ctl'); // runs as uid 1001, like the real execution image
    const path = '/app/system.halt';
    expect(await engine.statPath(c, path)).toMatchObject({ ok: true, value: { present: false } });
    expect(await engine.readFile(c, path)).toMatchObject({ ok: true, value: null });

    const content = 'HALT by cockpit test\n';
    const before = Date.now();
    expect((await engine.writeFile(c, path, content, { mode: 0o640, uid: 1001, gid: 1001 })).ok).toBe(true);
    const st = await engine.statPath(c, path);
    expect(st).toMatchObject({ ok: true, value: { present: true, size: Buffer.byteLength(content), mode: 0o640 } });
    if (st.ok) expect(Math.abs(Date.parse(st.value.mtime ?? '') - before)).toBeLessThan(5_000);
    expect(await engine.readFile(c, path)).toMatchObject({ ok: true, value: content });
    // The process inside sees the file with the owner we asked for.
    const ls = await engine.exec(c, ['ls', '-ln', path]);
    expect(ls.ok && ls.value.stdout).toMatch(/^-rw-r-----\s+1\s+1001\s+1001\s/);

    // Overwrite in place, then remove as the container's own user.
    expect((await engine.writeFile(c, path, 'second\n', { uid: 1001, gid: 1001 })).ok).toBe(true);
    expect(await engine.readFile(c, path)).toMatchObject({ ok: true, value: 'second\n' });
    expect((await engine.removeFile(c, path)).ok).toBe(true);
    expect(await engine.statPath(c, path)).toMatchObject({ ok: true, value: { present: false } });
    expect(await engine.readFile(c, path)).toMatchObject({ ok: true, value: null });
    expect((await engine.removeFile(c, path)).ok).toBe(true); // rm -f: already gone is fine
  });

  test('file calls tell a missing path from a missing container, and refuse oversize reads', async () => {
    expect(await engine.statPath(n('ctl'), '/no/such/dir/file')).toMatchObject({ ok: true, value: { present: false } });
    const missing = await engine.statPath(n('ghost'), '/app/system.halt');
    expect(missing).toMatchObject({ ok: false, reason: 'not-found', detail: `container ${n('ghost')} not found` });
    expect(await engine.readFile(n('ghost'), '/app/system.halt')).toMatchObject({ ok: false, reason: 'not-found' });
    expect(await engine.writeFile(n('ghost'), '/app/system.halt', 'x')).toMatchObject({ ok: false, reason: 'not-found' });
    const noDir = await engine.writeFile(n('ctl'), '/no/such/dir/file', 'x');
    expect(noDir).toMatchObject({ ok: false, reason: 'error' });
    if (!noDir.ok) expect(noDir.detail).toContain('directory /no/such/dir does not exist');
    expect((await engine.writeFile(n('ctl'), '/tmp/big', 'x'.repeat(5000))).ok).toBe(true);
    const big = await engine.readFile(n('ctl'), '/tmp/big', 1000);
    expect(big).toMatchObject({ ok: false, reason: 'error' });
    if (!big.ok) expect(big.detail).toContain('5000 bytes, more than the 1000');
    const dir = await engine.readFile(n('ctl'), '/app');
    expect(!dir.ok && dir.detail).toContain('is a directory');
  });

  test('writeFile and readFile work on a stopped container (no exec needed)', async () => {
    const c = n('flappy'); // exits every 0.2 s: between restarts it is not running
    await engine.stop(c, 1);
    expect(await engine.inspect(c)).toMatchObject({ ok: true, value: { state: 'exited' } });
    expect((await engine.writeFile(c, '/app/system.halt', 'halted while down\n')).ok).toBe(true);
    expect(await engine.readFile(c, '/app/system.halt')).toMatchObject({ ok: true, value: 'halted while down\n' });
    const rm = await engine.removeFile(c, '/app/system.halt');
    expect(rm).toMatchObject({ ok: false, reason: 'error' });
    if (!rm.ok) expect(rm.detail).toMatch(/not running/i);
  });

  test('stop/start/restart change the state; repeats are idempotent; a missing container is not-found', async () => {
    const c = n('ctl');
    const first = await engine.inspect(c);
    if (!first.ok) throw new Error(first.detail);
    const stopped = await engine.stop(c, 2);
    expect(stopped.ok).toBe(true);
    expect(await engine.inspect(c)).toMatchObject({ ok: true, value: { state: 'exited', exitCode: 0 } });
    expect((await engine.stop(c, 2)).ok).toBe(true);
    expect((await engine.start(c)).ok).toBe(true);
    expect(await engine.inspect(c)).toMatchObject({ ok: true, value: { state: 'running', exitCode: null } });
    expect((await engine.start(c)).ok).toBe(true);
    const beforeRestart = await engine.inspect(c);
    expect((await engine.restart(c, 2)).ok).toBe(true);
    const after = await engine.inspect(c);
    expect(after).toMatchObject({ ok: true, value: { state: 'running' } });
    if (after.ok && beforeRestart.ok) expect(after.value.startedAt > beforeRestart.value.startedAt).toBe(true);
    // The event stream told the store too.
    await waitFor(
      () => rec.store.getState().containers.value.find((x) => x.name === c)?.startedAt === (after.ok ? after.value.startedAt : ''),
      2_000,
    );

    for (const r of [
      await engine.stop(n('ghost')),
      await engine.start(n('ghost')),
      await engine.restart(n('ghost')),
      await engine.inspect(n('ghost')),
    ]) {
      expect(r).toMatchObject({ ok: false, reason: 'not-found', detail: `container ${n('ghost')} not found` });
    }
  });

  test('exec returns exit code and both outputs, feeds stdin, honours user and timeout', async () => {
    const c = n('loop');
    expect(await engine.exec(c, ['sh', '-c', 'echo hi; echo oops >&2; exit 3'])).toMatchObject({
      ok: true,
      value: { exitCode: 3, stdout: 'hi\n', stderr: 'oops\n' },
    });
    const input = 'line one\nline two\n'.repeat(2000);
    expect(await engine.exec(c, ['cat'], { stdin: input })).toMatchObject({ ok: true, value: { exitCode: 0, stdout: input, stderr: '' } });
    expect(await engine.exec(c, ['id', '-u'], { user: '1001' })).toMatchObject({ ok: true, value: { stdout: '1001\n' } });
    expect(await engine.exec(c, ['/no/such/binary'])).toMatchObject({ ok: true, value: { exitCode: 126 } });
    const slow = await engine.exec(c, ['sleep', '5'], { timeoutMs: 300 });
    expect(slow).toMatchObject({ ok: false, reason: 'timeout' });
    expect(slow.latencyMs).toBeLessThan(2_000);
    expect(await engine.exec(n('ghost'), ['true'])).toMatchObject({ ok: false, reason: 'not-found' });
  });

  test('sim containers: host network, uid 1001 in /app, project mounted read-only, Docker healthcheck seen by the engine', async () => {
    const [executionPort, brainPort] = [await freePort(), await freePort()];
    const names = { execution: n('execution'), brain: n('brain') };
    // A stand-in for dist/sim/main.js: answers /health on $PORT, like the simulator.
    const standIn = [
      'node',
      '-e',
      "require('http').createServer((q,s)=>s.end(JSON.stringify({status:'ok',svc:process.argv[1]}))).listen(+process.env.PORT,'127.0.0.1')",
    ];
    const sims = await startSimContainers(docker, {
      natsUrl: 'nats://127.0.0.1:4222',
      nats: { execution: { user: 'execution', pass: 'e-pass' }, brain: { user: 'brain', pass: 'b-pass' } },
      brainPort,
      executionPort,
      hmacSecret: 'h',
      jwtSecret: 'j',
      names,
      command: (service) => [...standIn, service],
    });
    try {
      await waitFor(
        () =>
          rec.store
            .getState()
            .containers.value.filter((c) => c.name in { [names.execution]: 1, [names.brain]: 1 } && c.health === 'healthy').length === 2,
        15_000,
      );
      // Host networking: the host reaches the service on its port directly.
      const res = await fetch(`http://127.0.0.1:${executionPort}/health`);
      expect(await res.json()).toEqual({ status: 'ok', svc: 'execution' });
      expect(await engine.address(names.execution)).toMatchObject({ ok: true, value: null });
      const who = await engine.exec(names.brain, [
        'sh',
        '-c',
        'id -u; pwd; echo $PORT $NATS_USER; test -r /opt/titan-tui/package.json && echo mounted; touch /opt/titan-tui/x 2>&1 || true',
      ]);
      expect(who.ok && who.value.stdout).toMatch(new RegExp(`^1001\n/app\n${brainPort} brain\nmounted\n.*Read-only file system`, 's'));
      expect(SIM_MOUNT).toBe('/opt/titan-tui');
    } finally {
      await sims.stop();
    }
    expect(await engine.inspect(names.execution)).toMatchObject({ ok: false, reason: 'not-found' });
  });

  test('address() is null without a network address', async () => {
    expect(await engine.address(n('loop'))).toMatchObject({ ok: true, value: null });
    expect(await engine.address(n('ghost'))).toMatchObject({ ok: false, reason: 'not-found' });
  });
});

describe('Engine when the daemon goes away and comes back', () => {
  let docker: TestDocker;
  let engine: Engine | undefined;

  beforeAll(async () => {
    docker = await startDockerd(); // private: this test stops it
    await ensureBaseImage(docker);
    await runTestContainer(docker, { name: n('survivor'), cmd: IDLE, restartPolicy: 'always' });
  });

  afterAll(async () => {
    await engine?.stopService();
    await docker?.stop();
  });

  test('an unreachable engine fails fast with a readable engine-down error', async () => {
    const rec = recorder();
    const e = new Engine({ socketPath: '/tmp/tdk-nonexistent/docker.sock', watch }, rec.emit);
    const r = await e.list();
    expect(r).toMatchObject({ ok: false, reason: 'engine-down' });
    if (!r.ok) expect(r.detail).toMatch(/^Docker engine not reachable at unix:\/\/\/tmp\/tdk-nonexistent\/docker\.sock: connect ENOENT/);
    expect(r.latencyMs).toBeLessThan(1_000);
    e.start();
    await waitFor(() => rec.store.getState().connections.docker.status === 'disconnected', 5_000);
    expect(rec.store.getState().connections.docker.error).toMatch(/not reachable/);
    expect(rec.store.getState().containers.error).toMatch(/not reachable/);
    await e.stopService();
  });

  test('dockerd frozen (SIGSTOP): connected but "no answer" after 5 s of quiet and a 2 s ping; answering again on thaw', async () => {
    const rec = recorder();
    const e = new Engine({ host: docker.host, watch, resyncMs: 600_000 }, rec.emit);
    e.start();
    try {
      await waitFor(() => rec.store.getState().connections.docker.status === 'connected', 10_000);
      const pid = docker.pid();
      if (!pid) throw new Error('no dockerd pid');
      const frozenAt = Date.now();
      await freezeProcess(pid);
      try {
        const silent = await waitFor(() => {
          const c = rec.store.getState().connections.docker;
          return c.silentSince !== undefined ? c : null;
        }, 12_000);
        // Never sooner than a ping's answer time after the freeze (a ping can have left just before
        // it: nothing else talks to this engine, so it is pinged every 5 s); counted from when it was last heard.
        expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(2_000);
        expect(silent.status).toBe('connected');
        expect(silent.silentSince).toBeLessThanOrEqual(frozenAt);
        expect(e.isConnected()).toBe(true);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      await waitFor(() => {
        const c = rec.store.getState().connections.docker;
        return c.status === 'connected' && c.silentSince === undefined;
      }, 15_000);
      expect((await e.list()).ok).toBe(true);
    } finally {
      await e.stopService();
    }
  }, 60_000);

  test('dockerd stopped: disconnected with the reason, list kept; dockerd back: reconnects and resyncs by itself', async () => {
    const rec = recorder();
    engine = new Engine({ host: docker.host, watch, resyncMs: 600_000 }, rec.emit);
    engine.start();
    await waitFor(() => rec.store.getState().containers.value.some((c) => c.name === n('survivor') && c.state === 'running'), 10_000);
    expect(rec.store.getState().connections.docker.status).toBe('connected');

    await docker.halt();
    const lost = await waitFor(() => {
      const conn = rec.store.getState().connections.docker;
      return conn.status === 'disconnected' && conn.error?.includes('not reachable') ? conn : null;
    }, 10_000);
    expect(lost.error).toContain(`Docker engine not reachable at ${docker.host}`);
    // Every reason shown on the way is operator text, not a bare socket error.
    const reasons = rec.events.flatMap((e) =>
      e.type === 'conn' && e.state.error ? [e.state.error] : e.type === 'containers.error' ? [e.error] : [],
    );
    expect(reasons.length).toBeGreaterThan(0);
    const at = docker.host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const operatorText = new RegExp(
      // connect E… once it is gone; read E… when it went away in the middle of a request (both explained in words).
      `^(Docker engine not reachable at ${at}: (connect|read|write) E[A-Z]+ \\(.+\\)|the Docker engine at \\S+ closed the event stream)$`,
    );
    for (const r of reasons) expect(r).toMatch(operatorText);
    expect(engine.isConnected()).toBe(false);
    const state = rec.store.getState();
    expect(state.containers.value.map((c) => c.name)).toEqual([n('survivor')]); // last known list stays
    expect(state.containers.error).toContain('not reachable');
    const down = await engine.list();
    expect(down).toMatchObject({ ok: false, reason: 'engine-down' });
    expect(down.latencyMs).toBeLessThan(1_000);

    const syncsBefore = rec.events.filter((e) => e.type === 'containers.sync').length;
    await docker.restart();
    await waitFor(() => rec.store.getState().connections.docker.status === 'connected', 30_000);
    expect(rec.events.filter((e) => e.type === 'containers.sync').length).toBeGreaterThan(syncsBefore);
    // restart: always brings the container back, and the events stream reports it.
    await waitFor(() => rec.store.getState().containers.value.some((c) => c.name === n('survivor') && c.state === 'running'), 10_000);
    expect((await engine.list()).ok).toBe(true);
  }, 60_000);
});
