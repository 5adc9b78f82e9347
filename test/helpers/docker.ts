/**
 * Private Docker engines for tests: a real dockerd in a fresh temp dir (vfs storage, no
 * iptables, no bridge), and a tiny base image made from the host's static busybox plus the
 * shared libraries Node needs (no registry is reachable, so nothing is pulled).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { type TarEntryInput, writeTar } from '../../src/services/engine/tar.js';
import { unmountBelow } from '../setup/run-marker.js';

export interface TestDocker {
  /** DOCKER_HOST form: unix:///tmp/tdk-xxx/docker.sock */
  host: string;
  socketPath: string;
  /** Final stop: SIGTERM, wait for exit (SIGKILL after 15 s), delete the temp dir. */
  stop(): Promise<void>;
  /** SIGTERM and wait, keeping the data so restart() brings back the same containers. */
  halt(): Promise<void>;
  /** (Re)start the daemon on the same socket and data; stops it first when running. */
  restart(): Promise<void>;
  pid(): number | undefined;
}

export const BASE_IMAGE = 'titan-sim-base:test';

/** The project root, from this file's location (CI clones elsewhere than /work/main). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The Node binary bind-mounted into the simulator containers: the one running the tests (npm test
 * runs them on the project's Node 24 from node_modules/.bin, whatever the system Node is).
 */
export const NODE_BIN = process.execPath;

export function pingSocket(socketPath: string, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((done) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.on('timeout', () => {
      req.destroy();
      done(false);
    });
    req.end();
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Best effort when a test run dies: let each daemon stop its containers and containerd.
  process.once('exit', () => {
    for (const c of running)
      if (c.exitCode === null && c.pid)
        try {
          process.kill(c.pid, 'SIGTERM');
        } catch {
          /* gone */
        }
  });
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts a private dockerd in $TMPDIR/tdk-XXXXXX (the test run's own folder; kept short: unix socket
 * paths are limited to ~100 bytes), in its own process group so a Ctrl-C reaches the test run, whose
 * sweep stops the daemon and its containers in order. `extraArgs` go to dockerd as they are (another
 * -H listener, TLS flags).
 */
export async function startDockerd(opts: { extraArgs?: string[] } = {}): Promise<TestDocker> {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'tdk-'));
  const socketPath = `${dir}/docker.sock`;
  const logFile = `${dir}/dockerd.log`;
  let child: ChildProcess | undefined;

  const launch = async () => {
    const log = openSync(logFile, 'a');
    const c = spawn(
      'dockerd',
      [
        '--data-root',
        `${dir}/root`,
        '--exec-root',
        `${dir}/exec`,
        '-H',
        `unix://${socketPath}`,
        '--pidfile',
        `${dir}/docker.pid`,
        '--storage-driver',
        'vfs',
        '--iptables=false',
        '--bridge=none',
        // More listeners (tcp:// with --tlsverify for the remote-engine tests).
        ...(opts.extraArgs ?? []),
      ],
      { stdio: ['ignore', log, log], detached: true },
    );
    closeSync(log);
    child = c;
    running.add(c);
    c.once('exit', () => running.delete(c));
    const deadline = Date.now() + 60_000;
    while (!(await pingSocket(socketPath, 1_000))) {
      if (c.exitCode !== null || c.signalCode)
        throw new Error(`dockerd exited (${c.exitCode ?? c.signalCode}) before answering /_ping:\n${logTail(logFile)}`);
      if (Date.now() > deadline) throw new Error(`dockerd did not answer /_ping on ${socketPath} within 60 s:\n${logTail(logFile)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const halt = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode) return;
    await new Promise<void>((done) => {
      const killer = setTimeout(() => c.kill('SIGKILL'), 15_000);
      c.once('exit', () => {
        clearTimeout(killer);
        done();
      });
      c.kill('SIGTERM');
    });
  };

  await launch();
  return {
    host: `unix://${socketPath}`,
    socketPath,
    pid: () => (child && child.exitCode === null ? child.pid : undefined),
    halt,
    restart: async () => {
      await halt();
      await launch();
    },
    stop: async () => {
      await halt();
      unmountBelow(dir);
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

let shared: Promise<TestDocker> | undefined;

/**
 * The daemon given by TITAN_TEST_DOCKER_HOST (CI starts one for the whole run; its stop/halt/restart
 * do nothing), else one private daemon per test file (module instance), started on first use.
 */
export function sharedDockerd(): Promise<TestDocker> {
  const fromEnv = process.env.TITAN_TEST_DOCKER_HOST?.trim();
  if (fromEnv) {
    const socketPath = fromEnv.replace(/^unix:\/\//, '');
    return Promise.resolve({
      host: `unix://${socketPath}`,
      socketPath,
      pid: () => undefined,
      stop: async () => undefined,
      halt: async () => {
        throw new Error('the shared daemon (TITAN_TEST_DOCKER_HOST) is not ours to halt: use startDockerd()');
      },
      restart: async () => {
        throw new Error('the shared daemon (TITAN_TEST_DOCKER_HOST) is not ours to restart: use startDockerd()');
      },
    });
  }
  shared ??= startDockerd();
  return shared;
}

/** A plain dockerode client for test setup (creating containers, stopping them "from outside"). */
export function dockerClient(docker: Pick<TestDocker, 'socketPath'>): Docker {
  return new Docker({ socketPath: docker.socketPath });
}

/** Shared libraries of the Node binary, as `ldd` resolves them on this host. */
function nodeLibraries(): string[] {
  const out = execFileSync('ldd', [NODE_BIN], { encoding: 'utf8' });
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m?.[1]) libs.push(m[1]);
  }
  return libs;
}

const BUSYBOX_APPLETS = [
  'sh',
  'ls',
  'cat',
  'rm',
  'test',
  'sleep',
  'echo',
  'mkdir',
  'date',
  'wget',
  'touch',
  'true',
  'env',
  'id',
  'kill',
  'ps',
];

/** The rootfs tar of the base image (about 10 MB). */
export function baseRootfs(): Buffer {
  const busybox = '/bin/busybox';
  if (!existsSync(busybox)) throw new Error('/bin/busybox is missing: apt-get install busybox-static');
  const dirs = new Set<string>(['bin', 'etc', 'tmp', 'app', 'opt', 'proc', 'sys', 'dev', 'usr', 'usr/local', 'usr/local/bin', 'root']);
  const files: TarEntryInput[] = [];
  for (const lib of nodeLibraries()) {
    const rel = lib.replace(/^\/+/, '');
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    // readFileSync follows symlinks: the image gets the real file at the path the loader asks for.
    files.push({ name: rel, content: readFileSync(lib), mode: 0o755 });
  }
  files.push({ name: 'bin/busybox', content: readFileSync(busybox), mode: 0o755 });
  for (const applet of BUSYBOX_APPLETS) files.push({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox' });
  files.push({ name: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\ntitan:x:1001:1001:titan:/app:/bin/sh\n' });
  files.push({ name: 'etc/group', content: 'root:x:0:\ntitan:x:1001:\n' });
  const dirEntries: TarEntryInput[] = [...dirs].sort().map((d) => ({
    name: d,
    type: 'dir',
    mode: d === 'tmp' ? 0o1777 : 0o755,
    // Like the real image: the app directory belongs to the runtime user (uid 1001).
    uid: d === 'app' ? 1001 : 0,
    gid: d === 'app' ? 1001 : 0,
  }));
  return writeTar([...dirEntries, ...files]);
}

async function imageExists(d: Docker, image: string): Promise<boolean> {
  try {
    await d.getImage(image).inspect();
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw e;
  }
}

/** Imports BASE_IMAGE (like `docker import --change 'WORKDIR /app'`) unless the daemon has it. */
export async function ensureBaseImage(docker: Pick<TestDocker, 'socketPath'>): Promise<string> {
  const d = dockerClient(docker);
  if (await imageExists(d, BASE_IMAGE)) return BASE_IMAGE;
  const [repo, tag] = BASE_IMAGE.split(':');
  const stream = await d.importImage(baseRootfs() as unknown as string, { repo, tag, changes: ['WORKDIR /app'] });
  const body = await new Promise<string>((done, fail) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => (text += c));
    stream.on('end', () => done(text));
    stream.on('error', fail);
  });
  if (/"error"/.test(body)) throw new Error(`importing ${BASE_IMAGE} failed: ${body.slice(0, 500)}`);
  if (!(await imageExists(d, BASE_IMAGE)))
    throw new Error(`importing ${BASE_IMAGE} reported no error but the image is missing: ${body.slice(0, 500)}`);
  return BASE_IMAGE;
}

export interface TestContainerSpec {
  name: string;
  cmd: string[];
  tty?: boolean;
  env?: Record<string, string>;
  user?: string;
  /** 'none' (default: the private daemon has no bridge) or 'host'. */
  network?: 'none' | 'host';
  binds?: string[];
  healthcheck?: { test: string[]; intervalMs: number; retries?: number };
  restartPolicy?: 'no' | 'always' | 'unless-stopped';
}

/** Creates and starts a container from BASE_IMAGE (replacing any container of that name). */
export async function runTestContainer(docker: Pick<TestDocker, 'socketPath'>, spec: TestContainerSpec): Promise<string> {
  const d = dockerClient(docker);
  await removeTestContainer(docker, spec.name);
  const c = await d.createContainer({
    name: spec.name,
    Image: BASE_IMAGE,
    Cmd: spec.cmd,
    Tty: spec.tty === true,
    Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(spec.user ? { User: spec.user } : {}),
    ...(spec.healthcheck
      ? {
          Healthcheck: {
            Test: spec.healthcheck.test,
            Interval: spec.healthcheck.intervalMs * 1e6,
            Timeout: Math.max(spec.healthcheck.intervalMs, 1000) * 1e6,
            Retries: spec.healthcheck.retries ?? 3,
          },
        }
      : {}),
    HostConfig: {
      NetworkMode: spec.network ?? 'none',
      Binds: spec.binds ?? [],
      RestartPolicy: { Name: spec.restartPolicy ?? 'no' },
    },
  });
  await c.start();
  return c.id;
}

export async function removeTestContainer(docker: Pick<TestDocker, 'socketPath'>, name: string): Promise<void> {
  try {
    await dockerClient(docker).getContainer(name).remove({ force: true });
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
}
