/**
 * The demo's in-process engines (nats-lite, docker-lite) driven by the REAL client
 * libraries the cockpit uses: @nats-io/transport-node and dockerode.
 */
import { mkdtempSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { connect, headers as natsHeaders, type NatsConnection, type Status } from '@nats-io/transport-node';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoVps } from '../../sim/demo-vps.js';
import { type DockerLite, startDockerLite } from '../../sim/docker-lite.js';
import { packTar, unpackTar } from '../../sim/docker-lite/tar.js';
import { type NatsLite, startNatsLite } from '../../sim/nats-lite.js';
import { waitFor } from '../helpers/ports.js';

const USERS = [
  { user: 'brain', pass: 'brain-pass' },
  { user: 'console', pass: 'console-pass', publish: ['$JS.API.>'], subscribe: ['titan.data.>', 'titan.evt.>', '_INBOX.>'] },
];

describe('nats-lite with the real NATS client', () => {
  let server: NatsLite;
  const open: NatsConnection[] = [];
  const dial = async (user: string, pass: string) => {
    const nc = await connect({ servers: server.url, user, pass, reconnect: false });
    open.push(nc);
    return nc;
  };

  beforeAll(async () => {
    server = await startNatsLite({ users: USERS });
  });
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
    await server.stop();
  });

  it('rejects bad credentials with the real error text', async () => {
    await expect(connect({ servers: server.url, user: 'brain', pass: 'wrong', reconnect: false })).rejects.toThrow(
      /Authorization Violation/,
    );
  });

  it('delivers pub/sub, wildcards and headers, and flush() round-trips', async () => {
    const pub = await dial('brain', 'brain-pass');
    const sub = await dial('brain', 'brain-pass');
    const got: string[] = [];
    const hdrs: string[] = [];
    sub.subscribe('titan.evt.*.truth.v1', {
      callback: (_e, m) => {
        got.push(`${m.subject}=${m.string()}`);
        hdrs.push(m.headers?.get('Nats-Msg-Id') ?? '-');
      },
    });
    sub.subscribe('titan.>', {
      callback: (_e, m) => {
        got.push(`>${m.subject}`);
      },
    });
    await sub.flush();
    const h = natsHeaders();
    h.set('Nats-Msg-Id', 'abc');
    pub.publish('titan.evt.execution.truth.v1', 'one', { headers: h });
    pub.publish('titan.evt.execution.other.v1', 'two');
    // A payload split across many TCP writes must still parse.
    pub.publish('titan.evt.brain.truth.v1', 'x'.repeat(200_000));
    await pub.flush();
    await sub.flush();
    expect(got).toContain('titan.evt.execution.truth.v1=one');
    expect(got).toContain('>titan.evt.execution.other.v1');
    expect(got).toContain(`titan.evt.brain.truth.v1=${'x'.repeat(200_000)}`);
    expect(got.filter((g) => g.startsWith('>')).length).toBe(3);
    expect(hdrs[0]).toBe('abc');

    // A queue group gets each message once; UNSUB with max stops after that many.
    const q: string[] = [];
    sub.subscribe('demo.work', {
      queue: 'workers',
      callback: () => {
        q.push('a');
      },
    });
    sub.subscribe('demo.work', {
      queue: 'workers',
      callback: () => {
        q.push('b');
      },
    });
    const capped: string[] = [];
    sub.subscribe('demo.work', {
      max: 2,
      callback: (_e, m) => {
        capped.push(m.string());
      },
    });
    await sub.flush();
    for (let i = 0; i < 6; i++) pub.publish('demo.work', String(i));
    await pub.flush();
    await sub.flush();
    expect(q.length).toBe(6);
    expect(capped).toEqual(['0', '1']);
  });

  it('parses operations split at every byte boundary', async () => {
    const sub = await dial('brain', 'brain-pass');
    const got: string[] = [];
    sub.subscribe('demo.split', {
      callback: (_e, m) => {
        got.push(`${m.headers?.get('X-A')}|${m.string()}`);
      },
    });
    await sub.flush();
    const hdr = 'NATS/1.0\r\nX-A: 1\r\n\r\n';
    const wire = `CONNECT {"user":"brain","pass":"brain-pass","headers":true}\r\nHPUB demo.split ${hdr.length} ${hdr.length + 5}\r\n${hdr}hello\r\nPUB demo.split 3\r\nbye\r\nPING\r\n`;
    const raw = netConnect(server.port, '127.0.0.1');
    let reply = '';
    raw.on('data', (d) => {
      reply += d.toString();
    });
    raw.setNoDelay(true);
    await new Promise((r) => raw.once('connect', r));
    for (const byte of Buffer.from(wire)) {
      raw.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => reply.includes('PONG'), 2000);
    await sub.flush();
    raw.destroy();
    expect(got).toEqual(['1|hello', 'undefined|bye']);
  });

  it('answers request/reply and reports no responders fast', async () => {
    const a = await dial('brain', 'brain-pass');
    const b = await dial('brain', 'brain-pass');
    b.subscribe('titan.rpc.echo', {
      callback: (_e, m) => {
        m.respond(`echo:${m.string()}`);
      },
    });
    await b.flush();
    const reply = await a.request('titan.rpc.echo', 'hi', { timeout: 2000 });
    expect(reply.string()).toBe('echo:hi');
    const t0 = Date.now();
    await expect(a.request('demo.nobody', 'x', { timeout: 5000 })).rejects.toThrow(/no responders/i);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('reports permission violations to the client and keeps the connection open', async () => {
    const nc = await dial('console', 'console-pass');
    const errors: string[] = [];
    void (async () => {
      for await (const s of nc.status() as AsyncIterable<Status>) {
        if (s.type === 'error') errors.push(String(s.error.message));
      }
    })();
    nc.publish('titan.cmd.sys.halt.v1', '{"state":"HARD_HALT"}');
    const denied = nc.subscribe('titan.cmd.>');
    const subEnded = (async () => {
      try {
        for await (const _m of denied) {
          /* never delivered */
        }
        return 'ended';
      } catch (e) {
        return String((e as Error).message);
      }
    })();
    await nc.flush();
    await waitFor(() => errors.length > 0, 2000);
    expect(errors).toContain('Permissions Violation for Publish to "titan.cmd.sys.halt.v1"');
    expect(await subEnded).toMatch(/Permissions Violation for Subscription to "titan.cmd.>"/);
    // Still connected: an allowed subscription works.
    const brain = await dial('brain', 'brain-pass');
    const seen: string[] = [];
    nc.subscribe('titan.data.>', {
      callback: (_e, m) => {
        seen.push(m.subject);
      },
    });
    await nc.flush();
    brain.publish('titan.data.dashboard.update.v1', '{}');
    await brain.flush();
    await nc.flush();
    expect(seen).toEqual(['titan.data.dashboard.update.v1']);
    expect(nc.isClosed()).toBe(false);
  });
});

/** Collects a demuxed log/exec stream through dockerode's own demuxer. */
function demux(docker: Docker, stream: NodeJS.ReadableStream): { stdout: () => string; stderr: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => {
    o += d.toString();
  });
  err.on('data', (d: Buffer) => {
    e += d.toString();
  });
  docker.modem.demuxStream(stream, out, err);
  return { stdout: () => o, stderr: () => e };
}

async function execIn(docker: Docker, name: string, cmd: string[]) {
  const exec = await docker.getContainer(name).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = demux(docker, stream);
  await new Promise((r) => stream.on('end', r));
  const info = await exec.inspect();
  return { stdout: out.stdout(), stderr: out.stderr(), exitCode: info.ExitCode };
}

describe('docker-lite with real dockerode', () => {
  let engine: DockerLite;
  let docker: Docker;
  const stopped: string[] = [];

  beforeAll(async () => {
    const socketPath = join(mkdtempSync(join(tmpdir(), 'docker-lite-')), 'docker.sock');
    engine = await startDockerLite({ socketPath });
    docker = new Docker({ socketPath });
    await engine.addContainer({
      name: 'titan-execution',
      image: 'titan/execution:demo',
      healthcheck: true,
      healthyAfterMs: 50,
      labels: { 'com.docker.compose.service': 'titan-execution' },
      start: async (ctx) => {
        ctx.out('engine up');
        ctx.out('warning on stderr', 'stderr');
        ctx.fs.writeFileSync('system.halt', 'Operator halt');
        let n = 0;
        const t = setInterval(() => ctx.out(`tick ${n++}`), 20);
        return {
          stop: async () => {
            clearInterval(t);
            stopped.push('titan-execution');
          },
        };
      },
    });
    await engine.addContainer({
      name: 'tty-box',
      image: 'busybox',
      tty: true,
      start: async (ctx) => {
        ctx.out('raw line');
        return { stop: async () => undefined };
      },
    });
    await engine.addContainer({
      name: 'broken',
      image: 'busybox',
      start: async () => {
        throw Object.assign(new Error('config missing'), { exitCode: 3 });
      },
    });
  });
  afterAll(async () => {
    await engine.stop();
  });

  it('answers ping/version and lists containers like dockerd', async () => {
    expect(String(await docker.ping())).toBe('OK');
    expect((await docker.version()).ApiVersion).toBe('1.41');
    const running = await docker.listContainers();
    expect(running.map((c) => c.Names[0]).sort()).toEqual(['/titan-execution', '/tty-box']);
    const all = await docker.listContainers({ all: true });
    const broken = all.find((c) => c.Names[0] === '/broken');
    expect(broken?.State).toBe('exited');
    expect(broken?.Status).toMatch(/^Exited \(3\)/);
    const filtered = await docker.listContainers({ all: true, filters: { label: ['com.docker.compose.service=titan-execution'] } });
    expect(filtered.map((c) => c.Names[0])).toEqual(['/titan-execution']);
  });

  it('inspects by name, id prefix, and with a version prefix; 404 with the real message', async () => {
    const info = await docker.getContainer('titan-execution').inspect();
    expect(info.Name).toBe('/titan-execution');
    expect(info.State.Running).toBe(true);
    expect(info.Config.Image).toBe('titan/execution:demo');
    expect(info.Config.Tty).toBe(false);
    expect(info.NetworkSettings.Networks['titan-net']?.IPAddress).toMatch(/^172\.18\./);
    await waitFor(async () => (await docker.getContainer('titan-execution').inspect()).State.Health?.Status === 'healthy', 2000);
    const byId = await docker.getContainer(info.Id.slice(0, 12)).inspect();
    expect(byId.Id).toBe(info.Id);
    const versioned = await new Docker({ socketPath: engine.socketPath, version: 'v1.41' }).getContainer('titan-execution').inspect();
    expect(versioned.Id).toBe(info.Id);
    const err = await docker
      .getContainer('nope')
      .inspect()
      .catch((e: { statusCode: number; json: { message: string } }) => e);
    expect(err).toMatchObject({ statusCode: 404, json: { message: 'No such container: nope' } });
  });

  it('serves multiplexed logs that dockerode demuxes, raw logs for TTY, and follows new lines', async () => {
    const buf = (await docker.getContainer('titan-execution').logs({ stdout: true, stderr: true, timestamps: true })) as unknown as Buffer;
    const { PassThrough: P } = await import('node:stream');
    const src = new P();
    const got = demux(docker, src);
    src.end(buf);
    await new Promise((r) => setImmediate(r));
    expect(got.stdout()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z engine up\n/);
    expect(got.stderr()).toMatch(/Z warning on stderr\n$/);
    const onlyErr = (await docker.getContainer('titan-execution').logs({ stdout: false, stderr: true })) as unknown as Buffer;
    expect(onlyErr.subarray(8).toString()).toBe('warning on stderr\n');
    expect(onlyErr[0]).toBe(2);
    const tty = (await docker.getContainer('tty-box').logs({ stdout: true, stderr: true })) as unknown as Buffer;
    expect(tty.toString()).toBe('raw line\r\n');

    const stream = await docker.getContainer('titan-execution').logs({ stdout: true, stderr: true, follow: true, tail: 0 });
    const live = demux(docker, stream);
    await waitFor(() => /tick \d+\n.*tick \d+\n/s.test(live.stdout()), 2000);
    expect(live.stdout()).not.toContain('engine up');
    (stream as unknown as { destroy(): void }).destroy();
  });

  it('archive: HEAD 404 vs 200 with path stat, put/get round-trip, exec rm -f', async () => {
    const c = docker.getContainer('titan-execution');
    const head = (await c.infoArchive({ path: '/app/system.halt' })) as unknown as { headers: Record<string, string> };
    const stat = JSON.parse(Buffer.from(head.headers['x-docker-container-path-stat'] ?? '', 'base64').toString());
    expect(stat).toMatchObject({ name: 'system.halt', size: 'Operator halt'.length, mode: 0o644, linkTarget: '' });
    const missing = await c.infoArchive({ path: '/app/nothing' }).catch((e: { statusCode: number }) => e);
    expect(missing).toMatchObject({ statusCode: 404 });

    await c.putArchive(packTar([{ name: 'note.txt', kind: 'file', data: Buffer.from('hello vps'), mode: 0o600, mtime: new Date() }]), {
      path: '/tmp',
    });
    const tarStream = await c.getArchive({ path: '/tmp/note.txt' });
    const chunks: Buffer[] = [];
    for await (const ch of tarStream as AsyncIterable<Buffer>) chunks.push(ch);
    const entries = unpackTar(Buffer.concat(chunks));
    expect(entries.map((e) => [e.name, e.data.toString(), e.mode])).toEqual([['note.txt', 'hello vps', 0o600]]);

    expect(await execIn(docker, 'titan-execution', ['test', '-f', '/app/system.halt'])).toMatchObject({ exitCode: 0 });
    expect(await execIn(docker, 'titan-execution', ['cat', '/app/system.halt'])).toMatchObject({ stdout: 'Operator halt', exitCode: 0 });
    expect(await execIn(docker, 'titan-execution', ['rm', '-f', '/app/system.halt'])).toMatchObject({ exitCode: 0 });
    expect(await execIn(docker, 'titan-execution', ['test', '-f', '/app/system.halt'])).toMatchObject({ exitCode: 1 });
    expect(await c.infoArchive({ path: '/app/system.halt' }).catch((e: { statusCode: number }) => e)).toMatchObject({ statusCode: 404 });
    // The runbook's form, through sh -c with a relative path and a redirect.
    expect(await execIn(docker, 'titan-execution', ['sh', '-c', 'echo "Manual halt" > system.halt && cat /app/system.halt'])).toMatchObject(
      {
        stdout: 'Manual halt\n',
        exitCode: 0,
      },
    );
    // stdin over the hijacked connection, ended by a half-close (how the cockpit writes files by exec).
    const withStdin = await c.exec({
      Cmd: ['sh', '-c', 'cat > /app/system.halt'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const duplex = (await withStdin.start({ hijack: true, stdin: true })) as unknown as NodeJS.ReadWriteStream;
    const done = new Promise((r) => duplex.on('end', r));
    duplex.resume();
    duplex.end('via stdin');
    await done;
    expect((await withStdin.inspect()).ExitCode).toBe(0);
    expect(await execIn(docker, 'titan-execution', ['cat', 'system.halt'])).toMatchObject({ stdout: 'via stdin' });
    const cat = await execIn(docker, 'titan-execution', ['cat', '/app/absent']);
    expect(cat).toMatchObject({ stderr: 'cat: /app/absent: No such file or directory\n', exitCode: 1 });
    const unknown = await execIn(docker, 'titan-execution', ['pg_dump', '-U', 'titan']);
    expect(unknown.exitCode).toBe(127);
    expect(unknown.stderr).toContain('not supported in demo');
  });

  it('streams events for stop/start/restart, with 304 on no-op and RestartCount on crash restarts', async () => {
    const events = await docker.getEvents({ filters: { type: ['container'], container: ['titan-execution'] } });
    const seen: Array<{ Action: string; Actor: { Attributes: Record<string, string> } }> = [];
    let buf = '';
    events.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl = buf.indexOf('\n');
      while (nl !== -1) {
        const event = JSON.parse(buf.slice(0, nl));
        // Health checks keep running beside the lifecycle (like dockerd's health_status events) and
        // interleave at any point: this test is about the lifecycle order only.
        if (!String(event.Action).startsWith('health_status') && !String(event.Action).startsWith('exec_')) seen.push(event);
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
      }
    });
    const c = docker.getContainer('titan-execution');
    await c.stop({ t: 2 });
    expect(stopped).toContain('titan-execution');
    await waitFor(() => seen.some((e) => e.Action === 'stop'), 2000);
    expect(seen.map((e) => e.Action)).toEqual(['kill', 'die', 'stop']);
    expect(seen[0]?.Actor.Attributes).toMatchObject({ name: 'titan-execution', signal: '15' });
    expect((await c.inspect()).State).toMatchObject({ Status: 'exited', Running: false, ExitCode: 0 });
    const second = await c.stop().catch((e: { statusCode: number }) => e);
    expect(second).toMatchObject({ statusCode: 304 });
    // The filesystem survives a stop; exec needs a running container, like dockerd.
    const denied = await c.exec({ Cmd: ['true'] }).catch((e: { statusCode: number }) => e);
    expect(denied).toMatchObject({ statusCode: 409 });
    await c.start();
    await c.restart({ t: 1 });
    await waitFor(() => seen.some((e) => e.Action === 'restart'), 2000);
    expect(seen.map((e) => e.Action).slice(3)).toEqual(['start', 'kill', 'die', 'stop', 'start', 'restart']);
    // SIGKILL is not the stop signal: restart policy "always" brings it back and counts it.
    await c.kill();
    await waitFor(async () => (await c.inspect()).RestartCount === 1 && (await c.inspect()).State.Running, 3000);
    expect(seen.slice(-3).map((e) => e.Action)).toEqual(['kill', 'die', 'start']);
    expect(seen.at(-2)?.Actor.Attributes.exitCode).toBe('137');
    (events as unknown as { destroy(): void }).destroy();
  });
});

describe('startDemoVps', () => {
  it('runs the prod container set with the simulators inside, reachable through the real clients', async () => {
    const vps = await startDemoVps({
      executionNoisePerSec: 0,
      serviceNoisePerSec: 0,
      brainRandomTripsMs: 0,
      truthIntervalMs: 200,
      flakyCrashEveryMs: 300,
    });
    const clients: NatsConnection[] = [];
    try {
      const docker = new Docker({ socketPath: vps.dockerSocket });
      const names = (await docker.listContainers({ all: true })).map((c) => c.Names[0]).sort();
      expect(names).toEqual([
        '/nats',
        '/postgres',
        '/redis',
        '/titan-brain',
        '/titan-execution',
        '/titan-titan-hunter-1',
        '/titan-titan-scavenger-1',
        '/titan-titan-sentinel-1',
      ]);

      const consoleNc = await connect({ servers: vps.natsUrl, ...vps.natsUsers.console, reconnect: false });
      const brainNc = await connect({ servers: vps.natsUrl, ...vps.natsUsers.brain, reconnect: false });
      clients.push(consoleNc, brainNc);
      const truth = consoleNc.subscribe('titan.evt.execution.truth.v1', { max: 1 });
      for await (const m of truth) expect(m.json<{ service: string }>().service).toBe('titan-execution-rs');

      // Halt over NATS: the engine writes its lock file into the container's filesystem.
      const exec = docker.getContainer('titan-execution');
      brainNc.publish('titan.cmd.sys.halt.v1', JSON.stringify({ state: 'HARD_HALT', reason: 'demo test' }));
      await waitFor(
        () =>
          exec.infoArchive({ path: '/app/system.halt' }).then(
            () => true,
            () => false,
          ),
        3000,
      );
      expect(await execIn(docker, 'titan-execution', ['cat', '/app/system.halt'])).toMatchObject({ stdout: 'demo test', exitCode: 0 });
      // The file is read at start only: after a restart the engine comes back halted.
      await exec.restart({ t: 2 });
      await waitFor(
        async () => String(await exec.logs({ stdout: true, stderr: true, tail: 50 })).includes('initialized in HALTED state'),
        3000,
      );

      // Ports are not published in prod; `docker exec <ctr> curl localhost:…` reaches the service.
      const health = await execIn(docker, 'titan-brain', ['curl', '-sf', 'http://localhost:3100/health']);
      expect(health.exitCode).toBe(0);
      expect(health.stdout).toContain('"status"');

      // The flaky service crashes and Docker's restart policy brings it back.
      const flaky = docker.getContainer(vps.containers.flaky);
      await waitFor(async () => (await flaky.inspect()).RestartCount >= 1, 5000);

      // Stopping the nats container really takes the bus down.
      await docker.getContainer('nats').stop();
      await expect(connect({ servers: vps.natsUrl, ...vps.natsUsers.console, reconnect: false })).rejects.toThrow();
      await docker.getContainer('nats').start();
      await waitFor(
        () =>
          connect({ servers: vps.natsUrl, ...vps.natsUsers.console, reconnect: false }).then(
            (nc) => {
              clients.push(nc);
              return true;
            },
            () => false,
          ),
        3000,
      );
    } finally {
      await Promise.all(clients.map((nc) => nc.close().catch(() => undefined)));
      await vps.stop();
    }
  });
});
