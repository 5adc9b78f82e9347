/**
 * The same Engine service tests against the real dockerd and against docker-lite (the demo's
 * in-process Docker Engine API), so the demo cannot drift from what the cockpit meets in
 * production: listing, the event stream, stop/start/restart, demuxed logs, the halt file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDockerLite } from '../../sim/docker-lite.js';
import { Engine } from '../../src/services/engine.js';
import { ensureBaseImage, removeTestContainer, runTestContainer, sharedDockerd } from '../helpers/docker.js';
import { waitFor } from '../helpers/ports.js';
import { recorder } from '../helpers/recorder.js';

const tag = randomBytes(3).toString('hex');
const n = (what: string) => `pa${tag}-${what}`;

interface Target {
  /** DOCKER_HOST form. */
  host: string;
  /** Makes a container that writes out-N / err-N lines, and an idle one whose working dir is /app. */
  make: (name: string, kind: 'loop' | 'idle') => Promise<void>;
  stop: () => Promise<void>;
}

async function realDockerd(): Promise<Target> {
  const docker = await sharedDockerd();
  await ensureBaseImage(docker);
  const made: string[] = [];
  const LOOP = ['sh', '-c', 'trap "exit 0" TERM; i=0; while true; do echo out-$i; echo err-$i >&2; i=$((i+1)); sleep 0.05; done'];
  const IDLE = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done'];
  return {
    host: docker.host,
    make: async (name, kind) => {
      made.push(name);
      await runTestContainer(docker, { name, cmd: kind === 'loop' ? LOOP : IDLE, user: '1001:1001' });
    },
    stop: async () => {
      for (const name of made) await removeTestContainer(docker, name);
    },
  };
}

async function dockerLite(): Promise<Target> {
  const socketPath = join(mkdtempSync(join(tmpdir(), 'parity-')), 'docker.sock');
  const lite = await startDockerLite({ socketPath });
  return {
    host: `unix://${socketPath}`,
    make: async (name, kind) => {
      await lite.addContainer({
        name,
        image: 'titan-sim-base:test',
        workingDir: '/app',
        start: async (ctx) => {
          let i = 0;
          const t =
            kind === 'loop'
              ? setInterval(() => {
                  ctx.out(`out-${i}`);
                  ctx.out(`err-${i}`, 'stderr');
                  i++;
                }, 50)
              : null;
          return { stop: async () => (t ? clearInterval(t) : undefined) };
        },
      });
    },
    stop: () => lite.stop(),
  };
}

describe.each([
  ['the real dockerd', realDockerd],
  ['docker-lite', dockerLite],
] as const)('Engine against %s', (_name, start) => {
  let target: Target;
  let engine: Engine;
  const rec = recorder();

  beforeAll(async () => {
    target = await start();
    await target.make(n('loop'), 'loop');
    await target.make(n('idle'), 'idle');
    engine = new Engine({ host: target.host, watch: new RegExp(`^pa${tag}-`) }, rec.emit);
    engine.start();
    await waitFor(() => rec.store.getState().containers.value.length === 2, 15_000);
  }, 120_000);

  afterAll(async () => {
    await engine?.stopService();
    await target?.stop();
  });

  test('lists the watched containers as running, with an image and a start time', async () => {
    const r = await engine.list();
    if (!r.ok) throw new Error(r.detail);
    expect(r.value.map((c) => c.name)).toEqual([n('idle'), n('loop')]);
    for (const c of r.value) {
      expect(c).toMatchObject({ state: 'running', exitCode: null, tty: false, image: 'titan-sim-base:test' });
      expect(Date.parse(c.startedAt)).toBeGreaterThan(Date.now() - 300_000);
    }
  });

  test('logs arrive demuxed: stdout and stderr on their own streams', async () => {
    const got = { stdout: '', stderr: '' };
    const stop = engine.logs(
      n('loop'),
      { follow: true, tail: 5 },
      (s, chunk) => {
        got[s] += Buffer.from(chunk).toString();
      },
      () => {},
    );
    await waitFor(() => got.stdout.split('\n').length > 5 && got.stderr.split('\n').length > 5, 10_000);
    stop();
    expect(
      got.stdout
        .trim()
        .split('\n')
        .every((l) => /^out-\d+$/.test(l)),
    ).toBe(true);
    expect(
      got.stderr
        .trim()
        .split('\n')
        .every((l) => /^err-\d+$/.test(l)),
    ).toBe(true);
  });

  test('the halt file round trip: writeFile, statPath, readFile, removeFile', async () => {
    const c = n('idle');
    const path = '/app/system.halt';
    expect(await engine.statPath(c, path)).toMatchObject({ ok: true, value: { present: false } });
    expect((await engine.writeFile(c, path, 'HALT by parity test\n', { mode: 0o644, uid: 1001, gid: 1001 })).ok).toBe(true);
    expect(await engine.statPath(c, path)).toMatchObject({ ok: true, value: { present: true, size: 20 } });
    expect(await engine.readFile(c, path)).toMatchObject({ ok: true, value: 'HALT by parity test\n' });
    expect((await engine.removeFile(c, path)).ok).toBe(true);
    expect(await engine.statPath(c, path)).toMatchObject({ ok: true, value: { present: false } });
  });

  test('stop, start and restart change the state, and the event stream tells the store', async () => {
    const c = n('idle');
    expect((await engine.stop(c, 2)).ok).toBe(true);
    await waitFor(() => rec.store.getState().containers.value.find((x) => x.name === c)?.state === 'exited', 3_000);
    expect((await engine.start(c)).ok).toBe(true);
    const started = await engine.inspect(c);
    if (!started.ok) throw new Error(started.detail);
    expect(started.value.state).toBe('running');
    expect((await engine.restart(c, 2)).ok).toBe(true);
    const after = await engine.inspect(c);
    if (!after.ok) throw new Error(after.detail);
    expect(after.value.startedAt > started.value.startedAt).toBe(true);
    await waitFor(() => rec.store.getState().containers.value.find((x) => x.name === c)?.startedAt === after.value.startedAt, 3_000);
  });

  test('a missing container is not-found, with the same words', async () => {
    for (const r of [await engine.inspect(n('ghost')), await engine.stop(n('ghost')), await engine.statPath(n('ghost'), '/app/x')])
      expect(r).toMatchObject({ ok: false, reason: 'not-found', detail: `container ${n('ghost')} not found` });
  });
});
