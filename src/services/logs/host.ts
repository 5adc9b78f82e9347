/**
 * The UI thread's side of the log worker: starts it (on first use), routes its messages, restarts it
 * when it crashes, and replays what it was doing (the pane's container and view, the evidence
 * follows, from a little before the crash so no line is missed). A crash never reaches the UI: the
 * pane shows it as an error and its first line says what happened.
 *
 * The worker's code is found next to this code: dist/log-worker.mjs beside the bundle, worker.js
 * beside the compiled modules, or worker.ts in the sources (tests), loaded with Node's TypeScript support.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Emit } from '../../state/events.js';
import { atNormalPriority } from '../cpu-priority.js';
import type { FromWorker, LogWindow, ToWorker, WorkerInit } from './protocol.js';

const RESTART_MS = [200, 1000, 5000, 30_000];
/** A worker that ran this long without crashing is healthy again: the next crash restarts at once. */
const HEALTHY_AFTER_MS = 60_000;

/** Where the worker's code is, and whether it is TypeScript (the sources, under the tests). */
export function workerEntry(base: string = import.meta.url): { url: URL; ts: boolean } {
  for (const name of ['./log-worker.mjs', './worker.js']) {
    const url = new URL(name, base);
    if (existsSync(fileURLToPath(url))) return { url, ts: false };
  }
  return { url: new URL('./worker.ts', base), ts: true };
}

/** Loads a .ts worker with type stripping; its `./x.js` imports resolve to the `./x.ts` sources. */
function tsBootstrap(url: URL): string {
  return `
    const { registerHooks } = require('node:module');
    registerHooks({
      resolve(specifier, context, next) {
        try {
          return next(specifier, context);
        } catch (err) {
          if (specifier.startsWith('.') && specifier.endsWith('.js')) return next(specifier.slice(0, -3) + '.ts', context);
          throw err;
        }
      },
    });
    import(${JSON.stringify(url.href)}).catch((e) => { throw e; });`;
}

type Attach = Extract<ToWorker, { t: 'attach' }>;
type View = Extract<ToWorker, { t: 'view' }>;

export class LogWorkerHost {
  private readonly init: WorkerInit;
  private readonly emit: Emit;
  private worker: Worker | null = null;
  private stopped = false;
  private startedAt = 0;
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private lastAttach: Attach | null = null;
  private lastView: View | null = null;
  private readonly follows = new Map<string, { service: 'execution' | 'brain'; since: number }>();
  private nextId = 1;
  private readonly waiting = new Map<number, (m: FromWorker) => void>();
  private readonly windowListeners = new Set<(w: LogWindow) => void>();
  private readonly endListeners = new Set<(name: string) => void>();

  constructor(init: WorkerInit, emit: Emit) {
    this.init = init;
    this.emit = emit;
  }

  onWindow(cb: (w: LogWindow) => void): () => void {
    this.windowListeners.add(cb);
    return () => this.windowListeners.delete(cb);
  }

  onFollowEnded(cb: (name: string) => void): () => void {
    this.endListeners.add(cb);
    return () => this.endListeners.delete(cb);
  }

  send(m: ToWorker): void {
    if (this.stopped) return;
    if (m.t === 'attach') this.lastAttach = { ...m, note: undefined };
    if (m.t === 'view') this.lastView = m;
    if (m.t === 'follow') this.follows.set(m.name, { service: m.service, since: m.since });
    if (m.t === 'unfollow') this.follows.delete(m.name);
    if (this.worker) return this.worker.postMessage(m);
    // No worker yet: a view, or no container, needs none (nothing to show). The first thing that
    // does starts it, and it gets the state so far.
    const needed = m.t === 'attach' ? m.container !== null : m.t !== 'view' && m.t !== 'unfollow' && m.t !== 'stop';
    if (!needed) return;
    const w = this.ensure();
    if (!w) return;
    this.replay(w);
    if (m.t !== 'attach' && m.t !== 'view' && m.t !== 'follow' && m.t !== 'unfollow') w.postMessage(m);
  }

  /** A new worker gets the state: the evidence follows, the pane's container, its view. */
  private replay(w: Worker, crash?: { at: number; why: string }): void {
    // After a crash: from a little before it (Docker's `since` is in seconds), so nothing is missed.
    const since = crash ? Math.floor(crash.at / 1000) - 2 : undefined;
    for (const [name, f] of this.follows)
      w.postMessage({ t: 'follow', name, service: f.service, since: since ?? f.since } satisfies ToWorker);
    const a = this.lastAttach;
    if (a && crash) {
      const note = `✖ the log worker crashed at ${new Date(crash.at).toISOString().slice(11, 19)} (${crash.why}) and was restarted: lines from 2 s before on`;
      w.postMessage({ ...a, since: a.container ? since : undefined, tail: undefined, keep: false, note } satisfies ToWorker);
    } else if (a) w.postMessage(a);
    if (this.lastView) w.postMessage(this.lastView);
  }

  /** A request answered by one message with the same id (find, save); `fallback` if the worker is gone. */
  request<T>(make: (id: number) => ToWorker, read: (m: FromWorker) => T, fallback: T): Promise<T> {
    if (this.stopped) return Promise.resolve(fallback);
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      this.waiting.set(id, (m) => resolve(read(m)));
      this.send(make(id));
    });
  }

  /** The worker's V8 heap (benchmarks: what the log worker holds), null when it is not running. */
  async heapStatistics(): Promise<{ used: number; total: number; external: number } | null> {
    const w = this.worker;
    if (!w) return null;
    try {
      const h = await w.getHeapStatistics();
      return { used: h.used_heap_size, total: h.total_heap_size, external: h.external_memory };
    } catch {
      return null;
    }
  }

  /** Writes the worker's heap snapshot to `path` (benchmarks: what the log worker holds); false if not running. */
  async writeHeapSnapshot(path: string): Promise<boolean> {
    const w = this.worker;
    if (!w) return false;
    const { createWriteStream } = await import('node:fs');
    const { pipeline } = await import('node:stream/promises');
    await pipeline(await w.getHeapSnapshot(), createWriteStream(path));
    return true;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const w = this.worker;
    this.worker = null;
    this.failWaiting();
    if (!w) return;
    w.postMessage({ t: 'stop' } satisfies ToWorker);
    // Its sockets close and it ends by itself; terminate() if it does not within a moment.
    await Promise.race([new Promise((r) => w.once('exit', r)), new Promise((r) => setTimeout(r, 500).unref())]);
    await w.terminate();
  }

  private ensure(): Worker | null {
    if (this.worker || this.stopped) return this.worker;
    if (this.restartTimer) return null; // a restart is scheduled: it replays the state
    const { url, ts } = workerEntry();
    const options = {
      workerData: this.init,
      // The worker's heap is bounded by its rings; this only keeps a runaway from taking the process.
      resourceLimits: { maxOldGenerationSizeMb: 128 },
      stdout: false,
      stderr: false,
    };
    // Bulk work: made at the normal priority, not the UI thread's raised one (src/services/cpu-priority.ts).
    const w = atNormalPriority(() =>
      ts
        ? // The sources (tests): Node's own TypeScript support, with the transforms the engine code needs.
          new Worker(tsBootstrap(url), { ...options, eval: true, execArgv: ['--experimental-transform-types', '--no-warnings'] })
        : new Worker(url, options),
    );
    // A log stream must never keep the process alive.
    w.unref();
    this.worker = w;
    this.startedAt = Date.now();
    w.on('message', (m: FromWorker) => this.onMessage(m));
    w.on('error', (e) => this.crashed(w, e.message));
    w.on('exit', (code) => this.crashed(w, `exited with code ${code}`));
    return w;
  }

  private onMessage(m: FromWorker): void {
    switch (m.t) {
      case 'event':
        this.emit(m.e);
        return;
      case 'window': {
        // The batch and the window in the same turn: one redraw for both.
        const b = m.w.batch;
        if (b && m.w.container) this.emit({ type: 'logs.batch', container: m.w.container, ...b });
        for (const cb of this.windowListeners) cb(m.w);
        return;
      }
      case 'found':
      case 'saved': {
        const done = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        done?.(m);
        return;
      }
      case 'followEnded':
        this.follows.delete(m.name);
        for (const cb of this.endListeners) cb(m.name);
        return;
      case 'ready':
        return;
    }
  }

  private failWaiting(): void {
    for (const [id, done] of this.waiting) done({ t: 'saved', id, error: 'the log worker stopped' });
    this.waiting.clear();
  }

  /** The worker ended without being asked to: report it, restart it, replay what it was doing. */
  private crashed(w: Worker, why: string): void {
    if (this.worker !== w || this.stopped) return;
    this.worker = null;
    this.failWaiting();
    if (Date.now() - this.startedAt > HEALTHY_AFTER_MS) this.crashes = 0;
    const delay = RESTART_MS[Math.min(this.crashes, RESTART_MS.length - 1)] as number;
    this.crashes++;
    const at = Date.now();
    const container = this.lastAttach?.container;
    const error = `log worker crashed (${why}); restarting it in ${(delay / 1000).toFixed(1)} s`;
    if (container) this.emit({ type: 'logs.error', container, error, at });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      const worker = this.ensure();
      if (worker) this.replay(worker, { at, why });
    }, delay);
    this.restartTimer.unref();
  }
}
