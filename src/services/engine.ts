/**
 * The Docker engine service: container list kept live from the engine's event stream, container
 * control (stop/start/restart), exec, files (archive API) and log streams. Every call has a
 * deadline and returns a typed result; nothing here throws or exits.
 */
import type { Emit } from '../state/events.js';
import type { ContainerInfo } from '../state/types.js';
import { Caller, containerPath, DEFAULT_TIMEOUT_MS } from './engine/call.js';
import { firstAddress, type InspectData, parseInspect, toContainerInfo, watchedFromList } from './engine/container-info.js';
import { EngineError, type EngineFailure, type EngineResult } from './engine/errors.js';
import { type ExecOptions, type ExecOutput, runExec } from './engine/exec.js';
import { type PathStat, readFile, statPath, type WriteOptions, writeFile } from './engine/files.js';
import { followLogs, type LogOptions, type OnLogData, type OnLogEnd } from './engine/logs.js';
import { ConnectionMonitor } from './engine/monitor.js';
import { createModem } from './engine/modem.js';
import type { SshTransport } from './engine/ssh.js';
import { compareNames } from '../text/plain-format.js';

export type { EngineFailure, EngineResult, ExecOutput, PathStat };

export interface EngineOptions {
  /** unix socket, default /var/run/docker.sock */
  socketPath?: string;
  /** DOCKER_HOST style: unix:///x.sock, tcp://h:2376, ssh://user@h */
  host?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string } | null;
  /** ssh:// hosts: identity and known_hosts files. */
  ssh?: { identityFile?: string; knownHostsFile?: string };
  /** Which container names to list (names without the leading '/'). */
  watch: RegExp;
  /** Periodic full resync, default 30000. */
  resyncMs?: number;
}

/** Extra seconds allowed beyond Docker's own stop grace period. */
const STOP_SLACK_MS = 5_000;
const DEFAULT_STOP_SEC = 10;

export class Engine {
  private readonly caller: Caller;
  private readonly watch: RegExp;
  private readonly monitor: ConnectionMonitor;
  private readonly logStops = new Set<() => void>();
  /** ssh:// only: the SSH connections every request runs over. */
  private readonly ssh: SshTransport | null = null;

  constructor(opts: EngineOptions, emit: Emit) {
    // A stateful (g/y) regex would make test() alternate between true and false.
    this.watch = new RegExp(opts.watch.source, opts.watch.flags.replace(/[gy]/g, ''));
    // docker-modem directly (engine/modem.ts): dockerode would load gRPC and protobuf for nothing.
    const setup = createModem(opts);
    this.ssh = setup.ssh;
    this.caller = new Caller(setup.modem, setup.display, setup.configError);
    this.monitor = new ConnectionMonitor({
      caller: this.caller,
      emit,
      watch: this.watch,
      resyncMs: opts.resyncMs ?? 30_000,
      list: () => this.list(),
    });
  }

  /** Where the engine is (for display; no credentials). */
  get endpoint(): string {
    return this.caller.endpoint;
  }

  /** start(): begin watching the engine. start(name): start a container. */
  start(): void;
  start(name: string): Promise<EngineResult>;
  start(name?: string): Promise<EngineResult> | undefined {
    if (name === undefined) {
      this.monitor.start();
      return;
    }
    return this.caller.run(`start ${name}`, name, DEFAULT_TIMEOUT_MS, async (signal) => {
      // 304 = already running: starting is idempotent.
      await this.caller.dial({ method: 'POST', path: containerPath(name, '/start'), ok: [204, 304] }, signal);
    });
  }

  isConnected(): boolean {
    return this.monitor.isConnected();
  }

  /** The watched containers, sorted by name. */
  list(): Promise<EngineResult<ContainerInfo[]>> {
    return this.caller.run('list containers', undefined, DEFAULT_TIMEOUT_MS, async (signal) => {
      const raw = await this.caller.dial({ method: 'GET', path: '/containers/json', query: { all: true }, ok: [200] }, signal);
      const watched = watchedFromList(raw, this.watch);
      if (!watched.ok) throw new EngineError('error', watched.error);
      const infos = await Promise.all(
        watched.list.map(async (c) => {
          const data = await this.inspectData(c.id, signal).catch((e: unknown) => {
            // Removed between the list and the inspect: simply not there any more.
            if ((e as { statusCode?: number })?.statusCode === 404) return null;
            throw e;
          });
          return data ? toContainerInfo(data) : null;
        }),
      );
      return infos.filter((c): c is ContainerInfo => c !== null).sort((a, b) => compareNames(a.name, b.name));
    });
  }

  private async inspectData(name: string, signal: AbortSignal): Promise<InspectData> {
    const raw = await this.caller.dial({ method: 'GET', path: containerPath(name, '/json'), ok: [200] }, signal);
    const parsed = parseInspect(raw);
    if (!parsed.ok) throw new EngineError('error', parsed.error);
    return parsed.data;
  }

  inspect(name: string): Promise<EngineResult<ContainerInfo>> {
    return this.caller.run(`inspect ${name}`, name, DEFAULT_TIMEOUT_MS, async (signal) =>
      toContainerInfo(await this.inspectData(name, signal)),
    );
  }

  /** Idempotent: an already stopped container is ok. */
  stop(name: string, timeoutSec = DEFAULT_STOP_SEC): Promise<EngineResult> {
    return this.caller.run(`stop ${name}`, name, timeoutSec * 1000 + STOP_SLACK_MS, async (signal) => {
      await this.caller.dial({ method: 'POST', path: containerPath(name, '/stop'), query: { t: timeoutSec }, ok: [204, 304] }, signal);
    });
  }

  restart(name: string, timeoutSec = DEFAULT_STOP_SEC): Promise<EngineResult> {
    return this.caller.run(`restart ${name}`, name, timeoutSec * 1000 + STOP_SLACK_MS, async (signal) => {
      await this.caller.dial({ method: 'POST', path: containerPath(name, '/restart'), query: { t: timeoutSec }, ok: [204] }, signal);
    });
  }

  exec(name: string, cmd: string[], opts?: ExecOptions): Promise<EngineResult<ExecOutput>> {
    return runExec(this.caller, name, cmd, opts);
  }

  /** present:false when the path is missing; reason 'not-found' only when the container is. */
  statPath(name: string, path: string): Promise<EngineResult<PathStat>> {
    return statPath(this.caller, name, path);
  }

  /** File content as UTF-8, null when the file does not exist. */
  readFile(name: string, path: string, maxBytes?: number): Promise<EngineResult<string | null>> {
    return readFile(this.caller, name, path, maxBytes);
  }

  /** Copies a one-file tar in: needs no shell in the container and works while it is stopped. */
  writeFile(name: string, path: string, content: string, opts?: WriteOptions): Promise<EngineResult> {
    return writeFile(this.caller, name, path, content, opts);
  }

  /** `rm -f` inside the (running) container: a missing file is ok. */
  async removeFile(name: string, path: string): Promise<EngineResult> {
    const res = await this.exec(name, ['rm', '-f', path]);
    if (!res.ok) return res;
    if (res.value.exitCode !== 0) {
      const why = res.value.stderr.trim() || `exit code ${res.value.exitCode}`;
      return { ok: false, reason: 'error', detail: `rm -f ${path} in ${name} failed: ${why}`, latencyMs: res.latencyMs };
    }
    return { ok: true, value: undefined, latencyMs: res.latencyMs };
  }

  /** First network IP; null with host networking (reach it on the host's addresses). */
  address(name: string): Promise<EngineResult<string | null>> {
    return this.caller.run(`inspect ${name}`, name, DEFAULT_TIMEOUT_MS, async (signal) =>
      firstAddress(await this.inspectData(name, signal)),
    );
  }

  /** Streams logs; returns a stop function. onEnd runs once if the stream ends by itself (not after stop). */
  logs(name: string, opts: LogOptions, onData: OnLogData, onEnd: OnLogEnd): () => void {
    let stop: () => void = () => undefined;
    const release = () => {
      this.logStops.delete(stopOnce);
    };
    const stopOnce = () => {
      release();
      stop();
    };
    stop = followLogs(this.caller, name, opts, onData, (error) => {
      release();
      onEnd(error);
    });
    this.logStops.add(stopOnce);
    return stopOnce;
  }

  /** Ends the event stream, timers and every log stream. */
  async stopService(): Promise<void> {
    this.monitor.stop();
    for (const stop of [...this.logStops]) stop();
    this.logStops.clear();
    this.ssh?.close();
  }

  /** ssh:// only: how many SSH connections are open (0 once stopped). */
  get sshConnections(): number | null {
    return this.ssh ? this.ssh.connections : null;
  }
}
