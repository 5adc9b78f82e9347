/**
 * The cockpit's one long-lived NATS connection.
 *
 * Honesty rules this file exists to keep:
 * - publishCommand says ok only after the server confirmed it (PUB then PING/PONG), and says
 *   'permission-denied' when the server refused the subject, even though nats.js reports that asynchronously.
 * - A command is never queued while disconnected: a halt buffered during an outage could fire minutes later.
 * - Bad messages, denials and connection changes are reported as events, never thrown.
 */
import { connect, type Msg, type NatsConnection, PermissionViolationError, type Status, type Subscription } from '@nats-io/transport-node';
import type { Emit } from '../state/events.js';
import type { ConnState } from '../state/types.js';
import { type BackoffPolicy, backoffDelay, resolveBackoff } from './bus/backoff.js';
import { buildConnectOptions, secretsOf } from './bus/connect-options.js';
import { decodeMessage, type Validate } from './bus/decode.js';
import { Liveness } from './liveness.js';
import { publishSubjectProblem, subscribeSubjectProblem } from './bus/subjects.js';
import { endpointOf, errorText } from './bus/text.js';
import { printable } from '../text/safe-text.js';
import { redact, registerSecret } from './redact.js';

export interface BusOptions {
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
  credsFile?: string;
  /** A file holding an nkey seed (SU...). */
  nkeyFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string } | null;
  /** Client name shown by the server (`nats server report connections`). */
  name?: string;
  /** How long publishCommand waits for the server's confirmation. */
  confirmTimeoutMs?: number;
  /** Reconnect pacing; defaults to 0.5 s -> 20 s jittered (tests shorten it). */
  backoff?: Partial<BackoffPolicy>;
  /** One dial attempt's limit (TCP + TLS + CONNECT). */
  connectTimeoutMs?: number;
  /** Client PINGs detect a silently dead link after about 2 intervals. */
  pingIntervalMs?: number;
  /** Silence from the server that makes the cockpit PING it (default 5 s; see Liveness). */
  quietMs?: number;
  /** How long that PING waits before the server is shown as not answering (default 2 s). */
  answerMs?: number;
}

/**
 * Why a publish is not confirmed. 'unconfirmed' means it left this process (the server may act on it
 * later: a frozen server, a link lost mid-way), so it is never reported as "nothing was sent"; the
 * others mean the command certainly did not reach a server that would act on it.
 */
export type PublishFailure = 'not-connected' | 'permission-denied' | 'unconfirmed' | 'error';
export type PublishResult = { ok: true; latencyMs: number } | { ok: false; reason: PublishFailure; detail: string; latencyMs: number };

export type AskResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'not-connected' | 'no-responders' | 'timeout' | 'error'; detail: string };

export interface BusStats {
  received: number;
  malformed: number;
  denied: number;
}

interface SubEntry {
  subject: string;
  active: boolean;
  handle: (msg: Msg) => void;
  live?: Subscription;
}

const DEFAULT_CONFIRM_TIMEOUT_MS = 2000;

/** Resolves after every pending microtask has run (status events are delivered through microtasks). */
const afterMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Bus {
  private readonly backoff: BackoffPolicy;
  private readonly configuredEndpoints: string;
  private readonly subs = new Set<SubEntry>();
  /** Publish permission errors seen per subject; publishCommand compares before/after its round trip. */
  private readonly publishDenials = new Map<string, number>();
  /** Jittered delay per reconnect attempt, stable because nats.js asks several times per attempt. */
  private readonly delays = new Map<number, number>();
  private readonly counters: BusStats = { received: 0, malformed: 0, denied: 0 };
  /** Round trips in flight, told at once when the link drops so they do not wait for their timeout. */
  private readonly lostWaiters = new Set<(why: string) => void>();

  private nc: NatsConnection | null = null;
  private connected = false;
  private everConnected = false;
  private started = false;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wakeSleeper: (() => void) | null = null;
  private outageSince = Date.now();
  private attempt = 0;
  private lastError: string | undefined;
  /** The state of the live connection, re-emitted with silentSince while the server does not answer. */
  private connectedState: ConnState | null = null;
  private readonly liveness: Liveness;

  constructor(
    private readonly opts: BusOptions,
    private readonly emit: Emit,
  ) {
    this.backoff = resolveBackoff(opts.backoff);
    for (const s of secretsOf(opts)) registerSecret(s);
    this.configuredEndpoints = opts.servers.map(endpointOf).join(', ');
    this.liveness = new Liveness({
      quietMs: opts.quietMs ?? 5000,
      answerMs: opts.answerMs ?? 2000,
      ping: () => (this.nc ? this.nc.flush() : Promise.reject(new Error('not connected'))),
      onChange: (silentSince) => {
        if (!this.connected || !this.connectedState) return;
        this.emitConn(
          silentSince === null
            ? { ...this.connectedState, lastOk: Date.now() }
            : { ...this.connectedState, silentSince, lastOk: silentSince },
        );
      },
    });
  }

  /** Connects in the background and keeps trying forever. Never throws. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.outageSince = Date.now();
    this.loop = this.run();
  }

  isConnected(): boolean {
    const nc = this.nc;
    if (!nc || !this.connected || nc.isClosed() || nc.isDraining()) return false;
    // nats.js flips this internal flag the instant the socket closes, a few ticks before its
    // 'disconnect' status reaches us; reading it closes that window. Absent in other versions: fall back to ours.
    const proto = (nc as unknown as { protocol?: { connected?: unknown } }).protocol;
    return proto?.connected !== false;
  }

  stats(): BusStats {
    return { ...this.counters };
  }

  async publishCommand(subject: string, payload: unknown): Promise<PublishResult> {
    const t0 = performance.now();
    const fail = (reason: PublishFailure, detail: string): PublishResult => ({
      ok: false,
      reason,
      detail: this.clean(detail),
      latencyMs: Math.round(performance.now() - t0),
    });

    const nc = this.nc;
    if (!nc || !this.isConnected()) {
      const why = this.lastError ? `: ${this.lastError}` : '';
      return fail('not-connected', `not connected to NATS at ${this.configuredEndpoints}${why}. The command was NOT sent.`);
    }
    const subjectProblem = publishSubjectProblem(subject);
    if (subjectProblem) return fail('error', `${subjectProblem}. The command was NOT sent.`);
    let body: string | undefined;
    try {
      body = JSON.stringify(payload);
    } catch (e) {
      return fail('error', `payload cannot be encoded as JSON (${errorText(e)}). The command was NOT sent.`);
    }
    if (body === undefined) return fail('error', 'payload cannot be encoded as JSON. The command was NOT sent.');

    const deniedBefore = this.publishDenials.get(subject) ?? 0;
    try {
      nc.publish(subject, body);
    } catch (e) {
      return fail('error', `the NATS client refused the publish (${errorText(e)}). The command was NOT sent.`);
    }
    const outcome = await this.roundTrip(nc);
    // The server answers in order: a -ERR for our PUB is parsed before the PONG of our PING.
    // nats.js hands it to us through the status iterator (microtasks), so drain those first.
    await afterMicrotasks();
    if ((this.publishDenials.get(subject) ?? 0) > deniedBefore) {
      return fail(
        'permission-denied',
        `NATS refused the publish: Permissions Violation for Publish to "${subject}". The server dropped the command (no effect). The configured NATS user may not publish to this subject; use a user with publish rights on it.`,
      );
    }
    if (outcome === 'confirmed') return { ok: true, latencyMs: Math.round(performance.now() - t0) };
    if (outcome === 'timeout') {
      const ms = this.opts.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
      return fail(
        'unconfirmed',
        `NATS did not confirm within ${ms} ms. The command may or may not have been delivered; verify its effect.`,
      );
    }
    return fail(
      'unconfirmed',
      `the connection to NATS dropped before the server confirmed (${outcome.lost}). The command may or may not have been delivered; verify its effect.`,
    );
  }

  /**
   * A request for the server's own answers (`$SYS.REQ.USER.INFO`), never for a command: it is not
   * confirmed, not retried, and its failure is a reason, not an exception.
   */
  async ask(subject: string, timeoutMs: number): Promise<AskResult> {
    const nc = this.nc;
    if (!nc || !this.isConnected())
      return { ok: false, reason: 'not-connected', detail: `not connected to NATS at ${this.configuredEndpoints}` };
    try {
      const msg = await nc.request(subject, '', { timeout: timeoutMs });
      try {
        return { ok: true, value: JSON.parse(msg.string()) as unknown };
      } catch {
        return { ok: false, reason: 'error', detail: `${subject} answered with something that is not JSON` };
      }
    } catch (e) {
      const text = errorText(e);
      if (/no responders|503/i.test(text))
        return { ok: false, reason: 'no-responders', detail: `nothing answers ${subject} on this server` };
      if (/timeout/i.test(text)) return { ok: false, reason: 'timeout', detail: `${subject} got no answer within ${timeoutMs} ms` };
      return { ok: false, reason: 'error', detail: this.clean(text) };
    }
  }

  /**
   * Subscribes now, or as soon as connected. Returns an unsubscribe function.
   * Bad payloads become 'bus.malformed' events; a refused subscription becomes a 'bus.denied' event.
   */
  subscribe<T>(subject: string, validate: Validate<T>, onMessage: (value: T, subject: string) => void): () => void {
    const problem = subscribeSubjectProblem(subject);
    if (problem) {
      // A config error: report it where the operator looks, and do not take the cockpit down.
      this.safeEmit({ type: 'bus.denied', subject, error: this.clean(`not subscribed: ${problem}`), at: Date.now() });
      return () => undefined;
    }
    const entry: SubEntry = {
      subject,
      active: true,
      handle: (msg) => {
        this.counters.received++;
        const r = decodeMessage(msg.data, validate);
        if (!r.ok) return this.malformed(msg.subject, r.error);
        try {
          onMessage(r.value, msg.subject);
        } catch (e) {
          this.malformed(msg.subject, `the cockpit failed to handle the message: ${errorText(e)}`);
        }
      },
    };
    this.subs.add(entry);
    if (this.nc && !this.nc.isClosed()) this.attach(entry, this.nc);
    return () => {
      entry.active = false;
      this.subs.delete(entry);
      try {
        entry.live?.unsubscribe();
      } catch {
        // already closed with its connection
      }
      entry.live = undefined;
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.liveness.stop();
    this.wakeSleeper?.();
    const nc = this.nc;
    if (nc) await nc.close().catch(() => undefined);
    await this.loop;
    this.connected = false;
    if (this.started) this.emitConn({ status: 'disconnected', since: Date.now(), error: 'closed by the cockpit' });
  }

  // ---- connection lifecycle -------------------------------------------------------------------------

  /** nats.js' connect() gives up after one failed pass, and a closed connection never comes back: this loop covers both. */
  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      attempt++;
      if (attempt === 1 && !this.everConnected) {
        this.emitConn({ status: 'connecting', since: Date.now(), endpoint: this.configuredEndpoints });
      } else if (!this.everConnected) {
        this.emitConn({
          status: 'connecting',
          since: this.outageSince,
          attempt,
          error: this.lastError,
          endpoint: this.configuredEndpoints,
        });
      } else {
        this.emitConn({
          status: 'reconnecting',
          since: this.outageSince,
          attempt,
          error: this.lastError,
          endpoint: this.configuredEndpoints,
        });
      }
      let nc: NatsConnection;
      try {
        const options = await buildConnectOptions(this.opts, {
          connectTimeoutMs: this.opts.connectTimeoutMs ?? 5000,
          pingIntervalMs: this.opts.pingIntervalMs ?? 10_000,
          reconnectDelay: this.reconnectDelay,
        });
        nc = await connect(options);
      } catch (e) {
        if (this.stopped) return;
        this.lastError = this.clean(errorText(e));
        this.emitConn({
          status: 'disconnected',
          since: this.outageSince,
          attempt,
          error: this.lastError,
          endpoint: this.configuredEndpoints,
        });
        await this.sleep(backoffDelay(attempt, this.backoff));
        continue;
      }
      if (this.stopped) {
        await nc.close().catch(() => undefined);
        return;
      }
      attempt = 0;
      await this.serve(nc);
    }
  }

  /** Runs one nats.js connection (including its own reconnects) until it is closed for good. */
  private async serve(nc: NatsConnection): Promise<void> {
    const statusDone = this.watchStatus(nc);
    this.nc = nc;
    this.markConnected(nc.getServer());
    this.attachMissing(nc);

    const why = await nc.closed();
    this.connected = false;
    this.liveness.stop();
    this.linkLost(why instanceof Error ? errorText(why) : 'connection closed');
    await statusDone;
    this.nc = null;
    for (const entry of this.subs) entry.live = undefined;
    if (this.stopped) return;
    this.outageSince = Date.now();
    if (why instanceof Error) this.lastError = this.clean(errorText(why));
    this.emitConn({
      status: 'disconnected',
      since: this.outageSince,
      error: this.lastError ?? 'connection closed',
      endpoint: this.configuredEndpoints,
    });
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    try {
      for await (const s of nc.status()) this.onStatus(s);
    } catch {
      // the iterator only ends with the connection; serve() handles that
    }
  }

  private onStatus(s: Status): void {
    switch (s.type) {
      case 'disconnect': {
        this.connected = false;
        this.liveness.stop();
        // nats.js does not expose why the socket closed or why later dials fail; say what we know.
        this.lastError ??= `connection to ${endpointOf(s.server)} lost (server closed it or became unreachable)`;
        this.linkLost(this.lastError);
        this.outageSince = Date.now();
        this.attempt = 0;
        this.delays.clear();
        this.emitConn({ status: 'disconnected', since: this.outageSince, error: this.lastError, endpoint: endpointOf(s.server) });
        break;
      }
      case 'reconnecting':
        this.attempt++;
        this.emitConn({
          status: 'reconnecting',
          since: this.outageSince,
          attempt: this.attempt,
          error: this.lastError,
          endpoint: this.configuredEndpoints,
        });
        break;
      case 'reconnect':
        this.markConnected(s.server);
        // nats.js resubscribed the live ones; retry any the server refused before (permissions may have changed).
        if (this.nc) this.attachMissing(this.nc);
        break;
      case 'staleConnection':
        this.lastError = 'the server stopped answering pings (stale connection)';
        break;
      case 'error':
        if (s.error instanceof PermissionViolationError) {
          this.onPermissionError(s.error);
        } else {
          this.lastError = this.clean(errorText(s.error));
          if (!this.connected) {
            this.emitConn({
              status: 'disconnected',
              since: this.outageSince,
              attempt: this.attempt,
              error: this.lastError,
              endpoint: this.configuredEndpoints,
            });
          }
        }
        break;
      default:
        break;
    }
  }

  private markConnected(server: string): void {
    this.connected = true;
    this.everConnected = true;
    this.attempt = 0;
    this.delays.clear();
    this.lastError = undefined;
    this.connectedState = { status: 'connected', since: Date.now(), endpoint: endpointOf(server) };
    this.emitConn(this.connectedState);
    this.liveness.start();
  }

  /** nats.js calls this before each reconnect attempt (and again while it waits). */
  private readonly reconnectDelay = (): number => {
    const n = Math.max(1, this.attempt);
    let d = this.delays.get(n);
    if (d === undefined) {
      d = backoffDelay(n, this.backoff);
      this.delays.set(n, d);
    }
    return d;
  };

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeSleeper = null;
        resolve();
      }
      this.wakeSleeper = done;
    });
  }

  // ---- publish confirmation and permissions ---------------------------------------------------------

  private async roundTrip(nc: NatsConnection): Promise<'confirmed' | 'timeout' | { lost: string }> {
    const ms = this.opts.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    let onLost: ((why: string) => void) | undefined;
    const pong = nc.flush().then(
      () => {
        this.liveness.heard();
        return 'confirmed' as const;
      },
      (e: unknown) => ({ lost: errorText(e) }),
    );
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    });
    const lost = new Promise<{ lost: string }>((resolve) => {
      onLost = (why) => resolve({ lost: why });
      this.lostWaiters.add(onLost);
    });
    try {
      return await Promise.race([pong, timeout, lost]);
    } finally {
      clearTimeout(timer);
      if (onLost) this.lostWaiters.delete(onLost);
    }
  }

  private linkLost(why: string): void {
    for (const tell of [...this.lostWaiters]) tell(this.clean(why));
    this.lostWaiters.clear();
  }

  private onPermissionError(err: PermissionViolationError): void {
    this.counters.denied++;
    if (err.operation === 'publish') this.publishDenials.set(err.subject, (this.publishDenials.get(err.subject) ?? 0) + 1);
    this.safeEmit({ type: 'bus.denied', subject: err.subject, error: this.clean(err.message), at: Date.now() });
  }

  // ---- subscriptions --------------------------------------------------------------------------------

  private attachMissing(nc: NatsConnection): void {
    for (const entry of this.subs) if (entry.active && !entry.live) this.attach(entry, nc);
  }

  private attach(entry: SubEntry, nc: NatsConnection): void {
    try {
      entry.live = nc.subscribe(entry.subject, {
        callback: (err, msg) => {
          // Only a permission error ends a subscription here; nats.js has closed it and the
          // status iterator reports it as 'bus.denied'. It is retried on the next connection.
          if (err) {
            entry.live = undefined;
            return;
          }
          this.liveness.heard();
          entry.handle(msg);
        },
      });
    } catch {
      // The connection is closing: serve() attaches every entry again on the next one.
      entry.live = undefined;
    }
  }

  private malformed(subject: string, error: string): void {
    this.counters.malformed++;
    this.safeEmit({ type: 'bus.malformed', subject, error: this.clean(error), at: Date.now() });
  }

  // ---- events ---------------------------------------------------------------------------------------

  private emitConn(state: ConnState): void {
    const clean: ConnState = { status: state.status, since: state.since };
    if (state.attempt !== undefined) clean.attempt = state.attempt;
    if (state.error !== undefined) clean.error = this.clean(state.error);
    if (state.endpoint !== undefined) clean.endpoint = this.clean(state.endpoint);
    if (state.silentSince !== undefined) clean.silentSince = state.silentSince;
    if (state.lastOk !== undefined) clean.lastOk = state.lastOk;
    this.safeEmit({ type: 'conn', target: 'nats', state: clean });
  }

  /** A throwing listener must not kill the connection loop. */
  private safeEmit(event: Parameters<Emit>[0]): void {
    try {
      this.emit(event);
    } catch {
      // the store's problem, not the bus's
    }
  }

  private clean(text: string): string {
    return printable(redact(text));
  }
}
