/**
 * Keeps the container list current: one long-lived GET /events stream, a debounced re-list on
 * each relevant event, a periodic full resync, and reconnects with jittered backoff.
 * Reports through `emit`; never throws.
 */
import type { Readable } from 'node:stream';
import type { Emit } from '../../state/events.js';
import type { ConnState, ContainerInfo } from '../../state/types.js';
import { Liveness } from '../liveness.js';
import { type Caller, DEFAULT_TIMEOUT_MS } from './call.js';
import type { EngineResult } from './errors.js';

export const WATCHED_EVENTS = [
  'create',
  'start',
  'restart',
  'stop',
  'die',
  'destroy',
  'health_status',
  'pause',
  'unpause',
  'rename',
  'kill',
  'oom',
];

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 20_000;
const DEBOUNCE_MS = 50;
/** A connection that lived less than this does not reset the backoff, and gets no second immediate retry (no tight flap loop). */
const STABLE_MS = 2_000;
/** Engine silence that makes the monitor ping it, and how long that ping may take (see Liveness). */
const QUIET_MS = 5_000;
const ANSWER_MS = 2_000;

export interface MonitorOptions {
  caller: Caller;
  emit: Emit;
  watch: RegExp;
  resyncMs: number;
  list: () => Promise<EngineResult<ContainerInfo[]>>;
}

interface DockerEvent {
  Action?: unknown;
  Actor?: { ID?: unknown; Attributes?: Record<string, unknown> };
  id?: unknown;
}

export class ConnectionMonitor {
  private running = false;
  /** Bumped on every (re)connect and on stop: late results of an older attempt are dropped. */
  private generation = 0;
  private connected = false;
  private connectedAt = 0;
  private attempt = 0;
  private lastImmediateRetry = 0;
  private events: Readable | null = null;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private syncing = false;
  private syncAgain = false;
  private lastConn: ConnState | null = null;
  private lastContainersError = '';
  private knownIds = new Set<string>();

  /** Between re-lists: does the engine still answer? (a hung dockerd keeps its sockets open) */
  private readonly liveness: Liveness;

  constructor(private readonly o: MonitorOptions) {
    this.liveness = new Liveness({
      quietMs: QUIET_MS,
      answerMs: ANSWER_MS,
      ping: async () => {
        const r = await o.caller.run('ping the engine', undefined, DEFAULT_TIMEOUT_MS, (signal) =>
          o.caller.dial({ method: 'GET', path: '/_ping', ok: [200] }, signal),
        );
        if (!r.ok) throw new Error(r.detail);
      },
      onChange: (silentSince) => this.setSilent(silentSince),
    });
    o.caller.onAnswer = () => this.liveness.heard();
  }

  isConnected(): boolean {
    return this.connected;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.setConn('connecting');
    void this.connect();
  }

  stop(): void {
    this.running = false;
    this.generation++;
    this.connected = false;
    this.liveness.stop();
    clearTimeout(this.reconnectTimer);
    clearInterval(this.resyncTimer);
    clearTimeout(this.debounceTimer);
    this.dropEvents();
  }

  private safeEmit(e: Parameters<Emit>[0]): void {
    try {
      this.o.emit(e);
    } catch {
      // The store is not ours to fix; the engine must keep running.
    }
  }

  private setConn(status: ConnState['status'], error?: string): void {
    const prev = this.lastConn;
    const attempt = status === 'disconnected' || status === 'reconnecting' ? this.attempt : undefined;
    if (prev && prev.status === status && prev.error === error && prev.attempt === attempt) return;
    const now = Date.now();
    const state: ConnState = {
      status,
      since: prev && prev.status === status ? prev.since : now,
      endpoint: this.o.caller.endpoint,
      ...(attempt !== undefined ? { attempt } : {}),
      ...(error !== undefined ? { error } : {}),
      ...(status === 'connected' ? { lastOk: now } : {}),
    };
    this.lastConn = state;
    this.safeEmit({ type: 'conn', target: 'docker', state });
  }

  /** Connected, but the engine went silent (since when it was last heard), or answered again (null). */
  private setSilent(silentSince: number | null): void {
    const prev = this.lastConn;
    if (!this.connected || prev?.status !== 'connected') return;
    const { silentSince: _was, ...rest } = prev;
    const state: ConnState = silentSince === null ? { ...rest, lastOk: Date.now() } : { ...rest, silentSince, lastOk: silentSince };
    this.lastConn = state;
    this.safeEmit({ type: 'conn', target: 'docker', state });
  }

  private dropEvents(): void {
    const s = this.events;
    this.events = null; // first, so its close handler knows this was on purpose
    s?.destroy();
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    clearTimeout(this.reconnectTimer);
    const opened = await this.o.caller.run('open the event stream', undefined, DEFAULT_TIMEOUT_MS, (signal) =>
      this.o.caller.dial<Readable>(
        { method: 'GET', path: '/events', query: { filters: { type: ['container'], event: WATCHED_EVENTS } }, stream: true, ok: [200] },
        signal,
      ),
    );
    if (gen !== this.generation || !this.running) {
      if (opened.ok) opened.value.destroy();
      return;
    }
    if (!opened.ok) return this.failed(opened.detail);
    this.attachEvents(opened.value);
    // Listed after the stream is open, so no change can slip between the two.
    const listed = await this.o.list();
    if (gen !== this.generation || !this.running) return;
    if (!listed.ok) {
      this.dropEvents();
      return this.failed(listed.detail);
    }
    this.connected = true;
    this.connectedAt = Date.now();
    this.publish(listed.value);
    this.setConn('connected');
    this.liveness.start();
    clearInterval(this.resyncTimer);
    this.resyncTimer = setInterval(() => this.requestSync(0, true), this.o.resyncMs);
    this.resyncTimer.unref?.();
  }

  private attachEvents(stream: Readable): void {
    this.events = stream;
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      this.liveness.heard();
      buffered += text;
      let nl = buffered.indexOf('\n');
      while (nl !== -1) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) this.onEventLine(line);
        nl = buffered.indexOf('\n');
      }
      // Docker sends one small JSON object per line; anything huge is not an event.
      if (buffered.length > 1024 * 1024) buffered = '';
    });
    const lost = (why: string) => {
      if (this.events !== stream) return; // replaced or dropped on purpose
      this.events = null;
      this.lost(why);
    };
    const closed = `the Docker engine at ${this.o.caller.endpoint} closed the event stream`;
    // Node reports a connection cut mid-response as "aborted": say what it means.
    stream.on('error', (e: NodeJS.ErrnoException) => lost(e.message === 'aborted' ? closed : `${closed}: ${e.code ?? e.message}`));
    stream.on('end', () => lost(closed));
    stream.on('close', () => lost(closed));
  }

  private onEventLine(line: string): void {
    let ev: DockerEvent;
    try {
      ev = JSON.parse(line) as DockerEvent;
    } catch {
      return; // not ours to crash on; the periodic resync covers any loss
    }
    const id = typeof ev.Actor?.ID === 'string' ? ev.Actor.ID : typeof ev.id === 'string' ? ev.id : '';
    const name = ev.Actor?.Attributes?.name;
    const relevant = (typeof name === 'string' && this.o.watch.test(name)) || this.knownIds.has(id) || ev.Action === 'rename';
    if (relevant) this.requestSync(DEBOUNCE_MS, false);
  }

  /**
   * A stream loss: retry at once, so a brief hiccup stays invisible and a real outage is reported
   * with the actual connect error; repeated losses go through the backoff instead.
   */
  private lost(why: string): void {
    if (!this.running) return;
    this.liveness.stop();
    clearInterval(this.resyncTimer);
    const now = Date.now();
    if (this.connected && now - this.lastImmediateRetry >= STABLE_MS) {
      this.lastImmediateRetry = now;
      void this.connect().catch(() => undefined);
      return;
    }
    this.failed(why);
  }

  private failed(detail: string): void {
    if (!this.running) return;
    this.liveness.stop();
    if (this.connected && Date.now() - this.connectedAt >= STABLE_MS) this.attempt = 0;
    this.connected = false;
    clearInterval(this.resyncTimer);
    this.attempt++;
    this.setConn('disconnected', detail);
    if (detail !== this.lastContainersError) {
      this.lastContainersError = detail;
      this.safeEmit({ type: 'containers.error', error: detail, at: Date.now() });
    }
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(this.attempt - 1, 16));
    const delay = Math.round(base * (0.5 + Math.random() * 0.5));
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect().catch(() => undefined), delay);
  }

  private publish(list: ContainerInfo[]): void {
    this.knownIds = new Set(list.map((c) => c.id));
    this.lastContainersError = '';
    this.safeEmit({ type: 'containers.sync', list, at: Date.now() });
  }

  private requestSync(delayMs: number, periodic: boolean): void {
    if (!this.running || !this.connected || this.debounceTimer) return;
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      void this.sync(periodic);
    }, delayMs);
  }

  private async sync(periodic: boolean): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    const gen = this.generation;
    const res = await this.o.list();
    this.syncing = false;
    if (gen !== this.generation || !this.running) return;
    if (res.ok) this.publish(res.value);
    else if (res.reason === 'engine-down' || res.reason === 'timeout') {
      // The event stream may look open while the engine is gone or hung: start over.
      this.dropEvents();
      this.failed(res.detail);
      return;
    } else {
      this.safeEmit({ type: 'containers.error', error: res.detail, at: Date.now() });
    }
    if (this.syncAgain) {
      this.syncAgain = false;
      this.requestSync(periodic ? 0 : DEBOUNCE_MS, false);
    }
  }
}
