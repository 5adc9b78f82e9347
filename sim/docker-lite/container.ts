/**
 * One demo container: a start/stop hook pair standing in for the process, plus
 * Docker's state machine around it (running/restarting/exited, restart policy
 * with RestartCount, health, kill/die/stop/start/restart events) and its logs
 * and virtual filesystem.
 */
import { randomBytes } from 'node:crypto';
import type { EventBus } from './events.js';
import { LogBuffer, type LogStream } from './logs.js';
import { type SyncFs, VirtualFs } from './vfs.js';

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';
export type ContainerStatus = 'created' | 'running' | 'restarting' | 'exited';

/** What the simulated process gets while it runs. */
export interface ContainerCtx {
  name: string;
  /** Appends to the container's log (one entry per line). */
  out(line: string, stream?: LogStream): void;
  /** The container's filesystem (survives stop/start/restart, like a container layer). */
  files: VirtualFs;
  /** The same filesystem as node:fs-shaped calls; relative paths resolve against the WORKDIR. */
  fs: SyncFs;
  env: Record<string, string>;
  setHealth(status: HealthStatus): void;
  /** The process died on its own (crash): the restart policy decides what happens next. */
  exit(code: number): void;
}

export interface RunningProcess {
  stop(): Promise<void>;
}

export interface ContainerSpec {
  name: string;
  image: string;
  tty?: boolean;
  /** Has a HEALTHCHECK: Health starts as "starting" and turns "healthy" after healthyAfterMs unless the process says otherwise. */
  healthcheck?: boolean;
  healthyAfterMs?: number;
  labels?: Record<string, string>;
  env?: Record<string, string>;
  workingDir?: string;
  restartPolicy?: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  /** Exit code after a graceful `docker stop` (SIGTERM handled). */
  stopExitCode?: number;
  /** Container port -> host port, so `docker exec <ctr> curl localhost:<port>` reaches the simulated service. */
  localPorts?: Record<number, number>;
  /** Do not start when added (default: start). */
  createdOnly?: boolean;
  start: (ctx: ContainerCtx) => Promise<RunningProcess>;
}

interface Run {
  gen: number;
  proc: Promise<RunningProcess | undefined>;
  ended: boolean;
  startedMs: number;
}

export type LifecycleResult = 'ok' | 'not-modified' | 'not-running';

const ZERO_TIME = '0001-01-01T00:00:00Z';
const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15 };

export function signalNumber(raw: string | null): number | undefined {
  if (raw === null || raw === '') return 9;
  if (/^\d+$/.test(raw)) return Number(raw);
  const name = raw.toUpperCase();
  return SIGNALS[name.startsWith('SIG') ? name : `SIG${name}`];
}

let ipCounter = 2;

export class VirtualContainer {
  readonly id = randomBytes(32).toString('hex');
  readonly spec: ContainerSpec;
  readonly files: VirtualFs;
  readonly logs = new LogBuffer();
  readonly created = new Date();
  readonly ip = `172.18.0.${ipCounter++}`;
  status: ContainerStatus = 'created';
  exitCode = 0;
  pid = 0;
  restartCount = 0;
  startedAt = ZERO_TIME;
  finishedAt = ZERO_TIME;
  health: HealthStatus | undefined;
  errorText = '';
  private run: Run | undefined;
  private gen = 0;
  private manuallyStopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private backoffMs = 100;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly bus: EventBus;
  private readonly exitListeners = new Set<() => void>();

  constructor(spec: ContainerSpec, bus: EventBus) {
    this.spec = spec;
    this.bus = bus;
    this.files = new VirtualFs(spec.workingDir ? [spec.workingDir] : []);
  }

  get name(): string {
    return this.spec.name;
  }

  get running(): boolean {
    return this.status === 'running' || this.status === 'restarting';
  }

  get workingDir(): string {
    return this.spec.workingDir ?? '/app';
  }

  /** Called when the current process ends (follow-mode log streams close then, as with Docker). */
  onExit(listener: () => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Operations are serialised like the daemon's per-container lock. */
  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  emit(action: string, extra: Record<string, string> = {}): void {
    this.bus.emit(action, this.id, this.spec.image, { ...(this.spec.labels ?? {}), name: this.name, ...extra });
  }

  start(): Promise<LifecycleResult> {
    return this.serial(async (): Promise<LifecycleResult> => {
      if (this.status === 'running') return 'not-modified';
      this.clearRestartTimer();
      this.manuallyStopped = false;
      this.launch();
      return 'ok';
    });
  }

  stop(timeoutSec = 10): Promise<LifecycleResult> {
    return this.serial(async (): Promise<LifecycleResult> => {
      if (this.status === 'restarting') {
        this.clearRestartTimer();
        this.manuallyStopped = true;
        this.status = 'exited';
        this.emit('stop');
        return 'ok';
      }
      if (this.status !== 'running') return 'not-modified';
      this.manuallyStopped = true;
      await this.terminate(15, timeoutSec);
      this.emit('stop');
      return 'ok';
    });
  }

  restart(timeoutSec = 10): Promise<LifecycleResult> {
    return this.serial(async (): Promise<LifecycleResult> => {
      this.clearRestartTimer();
      if (this.status === 'running') {
        this.manuallyStopped = true;
        await this.terminate(15, timeoutSec);
        this.emit('stop');
      }
      this.manuallyStopped = false;
      this.launch();
      this.emit('restart');
      return 'ok';
    });
  }

  /** SIGKILL is not the stop signal, so (as with Docker) the restart policy still applies afterwards. */
  kill(signal: number): Promise<LifecycleResult> {
    return this.serial(async (): Promise<LifecycleResult> => {
      if (this.status !== 'running') return 'not-running';
      if (signal === 15) this.manuallyStopped = true;
      await this.terminate(signal, 0);
      return 'ok';
    });
  }

  setHealth(status: HealthStatus): void {
    if (!this.spec.healthcheck || this.status !== 'running' || this.health === status) return;
    this.health = status;
    this.emit(`health_status: ${status}`);
  }

  out(text: string, stream: LogStream = 'stdout'): void {
    this.logs.append(text, stream);
  }

  /** Stops the process for engine shutdown (never restarted afterwards). */
  async shutdown(): Promise<void> {
    this.clearRestartTimer();
    this.manuallyStopped = true;
    if (this.status === 'running') await this.serial(() => this.terminate(15, 5));
  }

  private launch(): void {
    const gen = ++this.gen;
    this.status = 'running';
    this.exitCode = 0;
    this.errorText = '';
    this.pid = 1000 + Math.floor(Math.random() * 30000);
    this.startedAt = new Date().toISOString();
    this.health = this.spec.healthcheck ? 'starting' : undefined;
    const ctx = this.contextFor(gen);
    const run: Run = { gen, ended: false, startedMs: Date.now(), proc: Promise.resolve(undefined) };
    this.run = run;
    run.proc = Promise.resolve()
      .then(() => this.spec.start(ctx))
      .catch((e: unknown) => {
        // A start hook that throws is a process that died during start-up.
        const code = typeof (e as { exitCode?: unknown })?.exitCode === 'number' ? (e as { exitCode: number }).exitCode : 1;
        this.logs.append(`${(e as Error)?.message ?? String(e)}`, 'stderr');
        queueMicrotask(() => this.died(run, code, false));
        return undefined;
      });
    this.emit('start');
    if (this.spec.healthcheck) {
      clearTimeout(this.healthTimer);
      this.healthTimer = setTimeout(() => {
        if (this.run === run && this.health === 'starting') this.setHealth('healthy');
      }, this.spec.healthyAfterMs ?? 1000);
      this.healthTimer.unref();
    }
  }

  private contextFor(gen: number): ContainerCtx {
    const alive = () => this.run?.gen === gen && !this.run.ended;
    return {
      name: this.name,
      files: this.files,
      fs: this.files.syncFs(this.workingDir),
      env: { ...(this.spec.env ?? {}) },
      out: (line, stream = 'stdout') => {
        if (alive()) this.logs.append(line, stream);
      },
      setHealth: (status) => {
        if (alive()) this.setHealth(status);
      },
      exit: (code) => {
        const run = this.run;
        if (run && alive()) {
          // The process is gone: let it release its resources, then apply the restart policy.
          void run.proc.then((p) => p?.stop()).catch(() => undefined);
          this.serial(async () => this.died(run, code, true));
        }
      },
    };
  }

  /** Stops the running process with a signal; graceful (15) waits up to timeoutSec before escalating to 9. */
  private async terminate(signal: number, timeoutSec: number): Promise<void> {
    const run = this.run;
    if (!run || run.ended) return;
    this.emit('kill', { signal: String(signal) });
    const stopped = run.proc
      .then((p) => p?.stop())
      .then(
        () => 'stopped' as const,
        () => 'stopped' as const,
      );
    let code = signal === 15 ? (this.spec.stopExitCode ?? 0) : 128 + signal;
    if (signal === 15) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), Math.max(0, timeoutSec) * 1000);
      });
      const outcome = await Promise.race([stopped, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        this.emit('kill', { signal: '9' });
        code = 137;
      }
    } else {
      // The process cannot refuse SIGKILL: give the hook a moment to close sockets, but do not wait on it.
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 1000))]);
    }
    this.died(run, code, signal !== 15);
  }

  private died(run: Run, code: number, applyPolicy: boolean): void {
    if (run.ended || this.run !== run) return;
    run.ended = true;
    clearTimeout(this.healthTimer);
    this.status = 'exited';
    this.exitCode = code;
    this.pid = 0;
    this.finishedAt = new Date().toISOString();
    if (this.health) this.health = 'unhealthy';
    this.emit('die', { exitCode: String(code) });
    for (const l of this.exitListeners) l();
    if (applyPolicy && !this.manuallyStopped && this.policyRestarts(code)) this.scheduleRestart(run);
  }

  private policyRestarts(code: number): boolean {
    const p = this.spec.restartPolicy ?? 'always';
    return p === 'always' || p === 'unless-stopped' || (p === 'on-failure' && code !== 0);
  }

  /** Docker's backoff: 100 ms doubling, reset once a run lasted 10 s. */
  private scheduleRestart(run: Run): void {
    if (Date.now() - run.startedMs >= 10_000) this.backoffMs = 100;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 60_000);
    this.status = 'restarting';
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.serial(async () => {
        if (this.status !== 'restarting') return;
        this.restartCount++;
        this.launch();
      });
    }, delay);
    this.restartTimer.unref();
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }
}
