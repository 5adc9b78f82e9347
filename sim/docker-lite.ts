/**
 * docker-lite: a Docker Engine API subset on a unix socket, for the cockpit's
 * demo mode only. dockerode talks to it exactly as to dockerd; the containers
 * are in-process simulations (see docker-lite/container.ts). Tests of the
 * cockpit itself use the real Docker engine.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { dirname, posix } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type ContainerSpec, type HealthStatus, signalNumber, VirtualContainer } from './docker-lite/container.js';
import { EventBus, eventMatches, parseFilters } from './docker-lite/events.js';
import { runExec } from './docker-lite/exec-shell.js';
import { encodeLogEntry, parseTimeParam, stdcopyFrame } from './docker-lite/logs.js';
import { inspect, listFilterMatches, listItem } from './docker-lite/render.js';
import { packTar, type TarEntry, unpackTar } from './docker-lite/tar.js';

export type { ContainerCtx, ContainerSpec, HealthStatus, RunningProcess } from './docker-lite/container.js';
export type { VirtualContainer } from './docker-lite/container.js';

export interface DockerLite {
  socketPath: string;
  /**
   * Registers a container and starts it (unless spec.createdOnly). Its spec also becomes the
   * definition that POST /containers/create uses for that name later (compose's recreate, up after down).
   */
  addContainer(spec: ContainerSpec): Promise<VirtualContainer>;
  container(nameOrId: string): VirtualContainer | undefined;
  setHealth(nameOrId: string, status: HealthStatus): void;
  stop(): Promise<void>;
}

const API_VERSION = '1.41';
const ENGINE_VERSION = '20.10.24';
const MAX_UPLOAD = 64 * 1024 * 1024;
const MAX_EXECS = 1000;

interface ExecRecord {
  id: string;
  container: VirtualContainer;
  cmd: string[];
  tty: boolean;
  attachStdin: boolean;
  workingDir: string;
  env: Record<string, string>;
  started: boolean;
  running: boolean;
  exitCode: number | null;
  pid: number;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const engineHeaders = {
  'Api-Version': API_VERSION,
  'Docker-Experimental': 'false',
  Ostype: 'linux',
  Server: `Docker/${ENGINE_VERSION} (linux)`,
};

function boolParam(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  return v !== null && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...engineHeaders, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, engineHeaders);
  res.end();
}

/** Writes to a long-lived stream unless the client went away or the engine is shutting down. */
function writeLive(res: ServerResponse, data: string | Buffer): void {
  if (!res.writableEnded && !res.destroyed) res.write(data);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_UPLOAD) throw new HttpError(413, 'request body too large for the demo engine');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req);
  if (body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new HttpError(400, 'invalid JSON in request body');
}

function pathStatHeader(c: VirtualContainer, path: string): string {
  const st = c.files.stat(path);
  if (!st) throw new HttpError(404, `Could not find the file ${path} in container ${c.name}`);
  // Go's os.FileMode puts the directory bit at 1<<31.
  const mode = st.kind === 'dir' ? 2 ** 31 + st.mode : st.mode;
  const json = { name: posix.basename(path) || '/', size: st.size, mode, mtime: st.mtime.toISOString(), linkTarget: '' };
  return Buffer.from(JSON.stringify(json)).toString('base64');
}

export async function startDockerLite(opts: { socketPath: string }): Promise<DockerLite> {
  const bus = new EventBus();
  const containers: VirtualContainer[] = [];
  /** Every container definition ever added, by name: the only "images" this engine can run. */
  const definitions = new Map<string, ContainerSpec>();
  const execs = new Map<string, ExecRecord>();
  const streams = new Set<ServerResponse>();

  const find = (ref: string): VirtualContainer | undefined => {
    const name = decodeURIComponent(ref).replace(/^\//, '');
    return (
      containers.find((c) => c.name === name || c.id === name) ??
      (name.length > 0 ? containers.filter((c) => c.id.startsWith(name)).at(0) : undefined)
    );
  };
  const must = (ref: string): VirtualContainer => {
    const c = find(ref);
    if (!c) throw new HttpError(404, `No such container: ${decodeURIComponent(ref)}`);
    return c;
  };
  const execIdsOf = (c: VirtualContainer) => [...execs.values()].filter((e) => e.container === c && e.running).map((e) => e.id);

  /** Runs an exec and returns its output encoded for the wire (stdcopy unless TTY). */
  const runExecRecord = async (e: ExecRecord, stdin = ''): Promise<Buffer> => {
    e.started = true;
    e.running = true;
    const label = e.cmd.join(' ');
    e.container.emit(`exec_start: ${label}`, { execID: e.id });
    const result = await runExec(e.cmd, {
      fs: e.container.files,
      cwd: e.workingDir,
      env: e.env,
      localPorts: e.container.spec.localPorts ?? {},
      stdin: { data: stdin },
    });
    e.running = false;
    e.exitCode = result.exitCode;
    e.container.emit('exec_die', { execID: e.id, exitCode: String(result.exitCode) });
    if (e.tty) return Buffer.from((result.stdout + result.stderr).replace(/\r?\n/g, '\r\n'));
    const parts: Buffer[] = [];
    if (result.stdout) parts.push(stdcopyFrame('stdout', Buffer.from(result.stdout)));
    if (result.stderr) parts.push(stdcopyFrame('stderr', Buffer.from(result.stderr)));
    return Buffer.concat(parts);
  };

  const startableExec = (id: string): ExecRecord => {
    const e = execs.get(id);
    if (!e) throw new HttpError(404, `No such exec instance: ${id}`);
    if (e.started) throw new HttpError(409, `Exec command ${id} has already run`);
    if (e.container.status !== 'running') throw new HttpError(409, `container ${e.container.id} is not running`);
    return e;
  };

  const lifecycle = async (c: VirtualContainer, op: string, q: URLSearchParams, res: ServerResponse) => {
    const t = q.get('t') === null ? 10 : Number(q.get('t'));
    const timeout = Number.isFinite(t) ? t : 10;
    switch (op) {
      case 'start':
        return sendEmpty(res, (await c.start()) === 'not-modified' ? 304 : 204);
      case 'stop':
        return sendEmpty(res, (await c.stop(timeout)) === 'not-modified' ? 304 : 204);
      case 'restart':
        await c.restart(timeout);
        return sendEmpty(res, 204);
      case 'kill': {
        const sig = signalNumber(q.get('signal'));
        if (sig === undefined) throw new HttpError(400, `Invalid signal: ${q.get('signal')}`);
        if ((await c.kill(sig)) === 'not-running') {
          throw new HttpError(409, `Cannot kill container: ${c.name}: Container ${c.id} is not running`);
        }
        return sendEmpty(res, 204);
      }
    }
  };

  const logs = (c: VirtualContainer, q: URLSearchParams, req: IncomingMessage, res: ServerResponse) => {
    const stdout = boolParam(q, 'stdout');
    const stderr = boolParam(q, 'stderr');
    if (!stdout && !stderr) throw new HttpError(400, 'Bad parameters: you must choose at least one stream');
    const sinceNs = parseTimeParam(q.get('since'));
    const untilNs = parseTimeParam(q.get('until'));
    if (sinceNs instanceof Error) throw new HttpError(400, sinceNs.message);
    if (untilNs instanceof Error) throw new HttpError(400, untilNs.message);
    const tailRaw = q.get('tail');
    const tail = tailRaw === null || tailRaw === 'all' || tailRaw === '' || Number(tailRaw) < 0 ? undefined : Number(tailRaw);
    if (tail !== undefined && !Number.isInteger(tail)) throw new HttpError(400, `invalid value for "tail": ${tailRaw}`);
    const tty = c.spec.tty === true;
    const timestamps = boolParam(q, 'timestamps');
    const follow = boolParam(q, 'follow') && untilNs === undefined;
    res.writeHead(200, {
      ...engineHeaders,
      'Content-Type': tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream',
    });
    const history = c.logs.select({ stdout, stderr, sinceNs, untilNs, tail });
    if (history.length) res.write(Buffer.concat(history.map((e) => encodeLogEntry(e, tty, timestamps))));
    // As with Docker, a follow stream ends when the container's process ends.
    if (!follow || c.status !== 'running') return void res.end();
    streams.add(res);
    const offLog = c.logs.subscribe((e) => {
      if (e.stream === 'stdout' ? stdout : stderr) writeLive(res, encodeLogEntry(e, tty, timestamps));
    });
    const offExit = c.onExit(() => res.end());
    const cleanup = () => {
      offLog();
      offExit();
      streams.delete(res);
    };
    res.once('close', cleanup);
    req.once('close', cleanup);
  };

  const events = (q: URLSearchParams, res: ServerResponse) => {
    const filters = parseFilters(q.get('filters'));
    if (filters instanceof Error) throw new HttpError(400, filters.message);
    const sinceNs = parseTimeParam(q.get('since'));
    const untilNs = parseTimeParam(q.get('until'));
    if (sinceNs instanceof Error) throw new HttpError(400, sinceNs.message);
    if (untilNs instanceof Error) throw new HttpError(400, untilNs.message);
    res.writeHead(200, { ...engineHeaders, 'Content-Type': 'application/json' });
    res.flushHeaders();
    const untilSec = untilNs === undefined ? undefined : Number(untilNs) / 1e9;
    if (sinceNs !== undefined) {
      for (const e of bus.since(Number(sinceNs) / 1e9)) {
        if (eventMatches(e, filters) && (untilSec === undefined || e.timeNano / 1e9 <= untilSec)) res.write(`${JSON.stringify(e)}\n`);
      }
    }
    if (untilSec !== undefined && untilSec * 1000 <= Date.now()) return void res.end();
    streams.add(res);
    const off = bus.subscribe((e) => {
      if (eventMatches(e, filters)) writeLive(res, `${JSON.stringify(e)}\n`);
    });
    const timer = untilSec === undefined ? undefined : setTimeout(() => res.end(), untilSec * 1000 - Date.now());
    res.once('close', () => {
      off();
      clearTimeout(timer);
      streams.delete(res);
    });
  };

  const archive = async (c: VirtualContainer, method: string, q: URLSearchParams, req: IncomingMessage, res: ServerResponse) => {
    const raw = q.get('path');
    if (!raw) throw new HttpError(400, 'bad parameter: path cannot be empty');
    const path = c.files.resolve(raw);
    if (method === 'PUT') {
      const st = c.files.stat(path);
      if (!st) throw new HttpError(404, `Could not find the file ${raw} in container ${c.name}`);
      if (st.kind !== 'dir') throw new HttpError(400, 'extraction point is not a directory');
      let body = await readBody(req);
      if (body[0] === 0x1f && body[1] === 0x8b) body = gunzipSync(body);
      let entries: TarEntry[];
      try {
        entries = unpackTar(body);
      } catch (e) {
        throw new HttpError(400, `Error processing tar file: ${(e as Error).message}`);
      }
      for (const e of entries) {
        const target = posix.join(path, e.name);
        if (e.kind === 'dir') c.files.mkdirp(target);
        else {
          c.files.mkdirp(posix.dirname(target));
          c.files.writeFile(target, e.data, e.mode);
        }
      }
      return sendEmpty(res, 200);
    }
    const stat = pathStatHeader(c, path);
    if (method === 'HEAD') {
      res.writeHead(200, { ...engineHeaders, 'X-Docker-Container-Path-Stat': stat, 'Content-Type': 'application/x-tar' });
      return void res.end();
    }
    const base = posix.basename(path) || '.';
    const st = c.files.stat(path);
    const entries: TarEntry[] = [];
    if (st?.kind === 'file') {
      entries.push({ name: base, kind: 'file', data: c.files.readFile(path) ?? Buffer.alloc(0), mode: st.mode, mtime: st.mtime });
    } else if (st) {
      entries.push({ name: base, kind: 'dir', data: Buffer.alloc(0), mode: st.mode, mtime: st.mtime });
      for (const f of c.files.filesUnder(path)) {
        const fst = c.files.stat(f);
        const rel = posix.relative(path, f);
        entries.push({
          name: `${base}/${rel}`,
          kind: 'file',
          data: c.files.readFile(f) ?? Buffer.alloc(0),
          mode: fst?.mode ?? 0o644,
          mtime: fst?.mtime ?? new Date(),
        });
      }
    }
    const tar = packTar(entries);
    res.writeHead(200, {
      ...engineHeaders,
      'X-Docker-Container-Path-Stat': stat,
      'Content-Type': 'application/x-tar',
      'Content-Length': tar.length,
    });
    res.end(tar);
  };

  const register = (spec: ContainerSpec): VirtualContainer => {
    const c = new VirtualContainer(spec, bus);
    containers.push(c);
    bus.emit('create', c.id, spec.image, { ...(spec.labels ?? {}), name: spec.name });
    return c;
  };

  /**
   * POST /containers/create. The containers are in-process simulations, so a new one can only be
   * made from a definition the demo registered under that name, with the same image: a new id and
   * a fresh filesystem, as Docker gives a recreated container. Anything else is "No such image".
   */
  const createContainer = async (q: URLSearchParams, req: IncomingMessage, res: ServerResponse) => {
    const body = await readJson(req);
    const name = (q.get('name') ?? '').replace(/^\//, '');
    const image = typeof body.Image === 'string' ? body.Image : '';
    if (!image) throw new HttpError(400, 'Config cannot be empty in order to create a container');
    const definition = definitions.get(name);
    if (!definition || definition.image !== image) {
      throw new HttpError(404, `No such image: ${image} (docker-lite creates only the demo's own containers, by name)`);
    }
    const taken = containers.find((c) => c.name === name);
    if (taken) {
      throw new HttpError(
        409,
        `Conflict. The container name "/${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    const c = register({ ...definition, createdOnly: true });
    sendJson(res, 201, { Id: c.id, Warnings: [] });
  };

  /** DELETE /containers/{id}: a running container only with force=1 (it is stopped first). */
  const removeContainer = async (c: VirtualContainer, q: URLSearchParams, res: ServerResponse) => {
    if (c.running) {
      if (!boolParam(q, 'force')) {
        throw new HttpError(
          409,
          `You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`,
        );
      }
      await c.shutdown();
    }
    const at = containers.indexOf(c);
    if (at !== -1) containers.splice(at, 1);
    for (const [id, e] of execs) if (e.container === c) execs.delete(id);
    c.emit('destroy');
    sendEmpty(res, 204);
  };

  const createExec = async (c: VirtualContainer, req: IncomingMessage, res: ServerResponse) => {
    const body = await readJson(req);
    if (c.status !== 'running') throw new HttpError(409, `container ${c.id} is not running`);
    const cmd = body.Cmd;
    if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((x) => typeof x === 'string')) {
      throw new HttpError(400, 'No exec command specified');
    }
    const env: Record<string, string> = { ...(c.spec.env ?? {}) };
    if (Array.isArray(body.Env)) {
      for (const kv of body.Env) {
        if (typeof kv !== 'string') continue;
        const eq = kv.indexOf('=');
        if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
      }
    }
    // Like dockerd, forget finished execs eventually: a cockpit polling by exec must not grow memory forever.
    if (execs.size >= MAX_EXECS) {
      for (const [oldId, old] of execs) {
        if (!old.running) execs.delete(oldId);
        if (execs.size < MAX_EXECS / 2) break;
      }
    }
    const id = randomBytes(32).toString('hex');
    const workingDir = typeof body.WorkingDir === 'string' && body.WorkingDir ? body.WorkingDir : c.workingDir;
    execs.set(id, {
      id,
      container: c,
      cmd: cmd as string[],
      tty: body.Tty === true,
      attachStdin: body.AttachStdin === true,
      workingDir,
      env,
      started: false,
      running: false,
      exitCode: null,
      pid: 0,
    });
    c.emit(`exec_create: ${(cmd as string[]).join(' ')}`, { execID: id });
    sendJson(res, 201, { Id: id });
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v\d+\.\d+(?=\/)/, '');
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    /** The path's captured parts when it matches `re` and the method is one of `methods`. */
    const at = (re: RegExp, ...methods: string[]): [string, string] | undefined => {
      const m = methods.includes(method) ? re.exec(path) : null;
      return m ? [m[1] ?? '', m[2] ?? ''] : undefined;
    };
    if (path === '/_ping' && (method === 'GET' || method === 'HEAD')) {
      res.writeHead(200, {
        ...engineHeaders,
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-cache, no-store, must-revalidate',
        Pragma: 'no-cache',
      });
      return void res.end(method === 'HEAD' ? undefined : 'OK');
    }
    if (path === '/version' && method === 'GET') {
      return sendJson(res, 200, {
        Platform: { Name: 'Docker Engine - Community (titan-tui demo, docker-lite)' },
        Version: ENGINE_VERSION,
        ApiVersion: API_VERSION,
        MinAPIVersion: '1.12',
        GitCommit: 'demo',
        GoVersion: 'n/a',
        Os: 'linux',
        Arch: 'amd64',
        KernelVersion: 'demo',
        BuildTime: new Date(0).toISOString(),
        Components: [],
      });
    }
    if (path === '/info' && method === 'GET') {
      const running = containers.filter((c) => c.status === 'running').length;
      return sendJson(res, 200, {
        ID: 'DEMO:VPS',
        Name: 'titan-demo-vps',
        ServerVersion: ENGINE_VERSION,
        OperatingSystem: 'Demo VPS (docker-lite, in-process)',
        OSType: 'linux',
        Architecture: 'x86_64',
        Containers: containers.length,
        ContainersRunning: running,
        ContainersPaused: 0,
        ContainersStopped: containers.length - running,
        Images: new Set(containers.map((c) => c.spec.image)).size,
        NCPU: 2,
        MemTotal: 4 * 1024 ** 3,
      });
    }
    if (path === '/containers/json' && method === 'GET') {
      const filters = parseFilters(q.get('filters'));
      if (filters instanceof Error) throw new HttpError(400, filters.message);
      const all = boolParam(q, 'all');
      const list = containers
        .filter((c) => all || c.status === 'running' || c.status === 'restarting')
        .filter((c) => listFilterMatches(c, filters as Record<string, string[]>))
        .sort((a, b) => b.created.getTime() - a.created.getTime())
        .map(listItem);
      return sendJson(res, 200, list);
    }
    if (path === '/events' && method === 'GET') return events(q, res);
    if (path === '/containers/create' && method === 'POST') return await createContainer(q, req, res);
    const removeOf = at(/^\/containers\/([^/]+)$/, 'DELETE');
    if (removeOf) return await removeContainer(must(removeOf[0]), q, res);
    const inspectOf = at(/^\/containers\/([^/]+)\/json$/, 'GET');
    if (inspectOf) {
      const c = must(inspectOf[0]);
      return sendJson(res, 200, inspect(c, execIdsOf(c)));
    }
    const logsOf = at(/^\/containers\/([^/]+)\/logs$/, 'GET');
    if (logsOf) return logs(must(logsOf[0]), q, req, res);
    const lifecycleOf = at(/^\/containers\/([^/]+)\/(start|stop|restart|kill)$/, 'POST');
    if (lifecycleOf) {
      await readBody(req);
      return await lifecycle(must(lifecycleOf[0]), lifecycleOf[1], q, res);
    }
    const archiveOf = at(/^\/containers\/([^/]+)\/archive$/, 'HEAD', 'GET', 'PUT');
    if (archiveOf) return await archive(must(archiveOf[0]), method, q, req, res);
    const execCreate = at(/^\/containers\/([^/]+)\/exec$/, 'POST');
    if (execCreate) return await createExec(must(execCreate[0]), req, res);
    const execStart = at(/^\/exec\/([^/]+)\/start$/, 'POST');
    if (execStart) {
      const body = await readJson(req);
      const e = startableExec(execStart[0]);
      if (body.Detach === true) {
        void runExecRecord(e);
        return sendEmpty(res, 200);
      }
      const out = await runExecRecord(e);
      res.writeHead(200, {
        ...engineHeaders,
        'Content-Type': e.tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream',
      });
      return void res.end(out);
    }
    const execInspect = at(/^\/exec\/([^/]+)\/json$/, 'GET');
    if (execInspect) {
      const e = execs.get(execInspect[0]);
      if (!e) throw new HttpError(404, `No such exec instance: ${execInspect[0]}`);
      const [entrypoint, ...args] = e.cmd;
      return sendJson(res, 200, {
        ID: e.id,
        ContainerID: e.container.id,
        Running: e.running,
        ExitCode: e.exitCode,
        Pid: e.pid,
        CanRemove: false,
        DetachKeys: '',
        OpenStdin: false,
        OpenStdout: true,
        OpenStderr: true,
        ProcessConfig: { entrypoint, arguments: args, privileged: false, tty: e.tty, user: '' },
      });
    }
    throw new HttpError(404, 'page not found');
  };

  const server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      const message = e instanceof HttpError ? e.message : `docker-lite internal error: ${(e as Error)?.message ?? String(e)}`;
      if (res.headersSent) return void res.destroy();
      if (req.method === 'HEAD') return sendEmpty(res, status);
      sendJson(res, status, { message });
    });
  });

  // `exec.start({hijack: true})` upgrades the connection and reads the raw stream from the socket.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://docker').pathname.replace(/^\/v\d+\.\d+(?=\/)/, '');
    const m = /^\/exec\/([^/]+)\/start$/.exec(path);
    socket.on('error', () => undefined);
    let e: ExecRecord;
    try {
      if (!m || req.method !== 'POST') throw new HttpError(404, 'page not found');
      e = startableExec(m[1] as string);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      const body = JSON.stringify({ message: (err as Error).message });
      socket.end(
        `HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    socket.write(
      `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${e.tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream'}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`,
    );
    const run = (stdin: string) => void runExecRecord(e, stdin).then((out) => socket.end(out));
    if (!e.attachStdin) return run('');
    // Node hands the request body ({"Detach":false,...}) over as the start of the upgraded stream: skip it, the rest is stdin.
    let skip = Number(req.headers['content-length'] ?? 0) || 0;
    const stdin: Buffer[] = [];
    const take = (chunk: Buffer) => {
      const n = Math.min(skip, chunk.length);
      skip -= n;
      if (chunk.length > n) stdin.push(chunk.subarray(n));
    };
    take(head);
    socket.on('data', take);
    // The client half-closes after writing stdin; like `cat`, the command runs on EOF.
    socket.once('end', () => run(Buffer.concat(stdin).toString('utf8')));
  });

  mkdirSync(dirname(opts.socketPath), { recursive: true });
  rmSync(opts.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    socketPath: opts.socketPath,
    addContainer: async (spec) => {
      if (find(spec.name)) throw new Error(`docker-lite: a container named "${spec.name}" already exists`);
      definitions.set(spec.name, spec);
      const c = register(spec);
      if (!spec.createdOnly) await c.start();
      return c;
    },
    container: find,
    setHealth: (ref, status) => find(ref)?.setHealth(status),
    stop: async () => {
      for (const s of streams) s.end();
      await Promise.all(containers.map((c) => c.shutdown()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(opts.socketPath, { force: true });
    },
  };
}
