/**
 * Everything the log worker does, apart from the thread plumbing (worker.ts): it owns the Docker log
 * streams (the pane's container and the evidence watch's), their rings, the filter and the visible
 * window. The UI thread only sends what it wants and receives compact messages.
 *
 * Per stream: raw body bytes → Intake (frames, skip-to-live before per-line work, literal screening)
 * → LogStream (split, sanitize, parse, evidence) → ring. The pane's window is pushed at most every
 * `windowMs` while lines arrive, at once when the view changes; evidence is posted at once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogPattern } from '../../contract/types.js';
import type { CockpitEvent } from '../../state/events.js';
import type { LogLine } from '../../state/types.js';
import { DockerLogSource } from './docker-source.js';
import { EvidenceMatcher } from './evidence.js';
import { dockerTime, Intake } from './intake.js';
import { RawScreen } from './literals.js';
import { LogStream } from './log-stream.js';
import type { FromWorker, LogWindow, ToWorker, ViewQuery, WorkerInit } from './protocol.js';
import { LogRing } from './ring.js';
import { computeWindow, findMatch } from './view.js';

type Service = 'execution' | 'brain';
const DEFAULT_WINDOW_MS = 250;
const FLOOD_WINDOW_LINES = 500;

interface Batch {
  added: number;
  dropped: number;
  at: number;
  behindMs?: number;
}

interface PaneState {
  gen: number;
  container: string | null;
  ring: LogRing;
  stop: (() => void) | null;
  stream: LogStream | null;
  intake: Intake | null;
  batch: Batch | null;
}

/** One evidence follow: its LogStream, and where its bytes come from (its own stream, or the pane's). */
interface Followed {
  name: string;
  service: Service;
  /** Docker ms: lines written before the follow began are not its evidence. */
  sinceMs: number;
  /** Docker ms of the last line passed on: a line seen twice over a hand-over counts once. */
  lastHit: number;
  /** The lines passed on at that time. */
  atLastHit: Set<string>;
  stream: LogStream;
  /** Its own Docker stream, or null while it reads the pane's (same container). */
  own: (() => void) | null;
}

/** Screens only the patterns the matcher could compile (an invalid one is ignored by both). */
function screens(patterns: readonly LogPattern[]): Record<Service, RawScreen> {
  const usable = (service: Service) =>
    patterns
      .filter((p) => p.service === service)
      .filter((p) => {
        try {
          new RegExp(p.regex);
          return true;
        } catch {
          return false;
        }
      })
      .map((p) => p.regex);
  return { execution: new RawScreen(usable('execution')), brain: new RawScreen(usable('brain')) };
}

export class LogWorkerCore {
  private readonly init: WorkerInit;
  private readonly post: (m: FromWorker) => void;
  private readonly docker: DockerLogSource;
  private readonly matcher: EvidenceMatcher;
  private readonly screens: Record<Service, RawScreen>;
  private readonly windowMs: number;
  private pane: PaneState;
  private view: ViewQuery | null = null;
  private viewGen = -1;
  private lastPush = 0;
  /** Lines the last window brought (added and skipped). */
  private lastAdded = 0;
  private pushTimer: NodeJS.Timeout | null = null;
  private sliceTimer: NodeJS.Immediate | null = null;
  private readonly followed = new Map<string, Followed>();
  private stopped = false;

  constructor(init: WorkerInit, post: (m: FromWorker) => void) {
    this.init = init;
    this.post = post;
    this.docker = new DockerLogSource(init.engine);
    this.matcher = new EvidenceMatcher(init.patterns);
    this.screens = screens(init.patterns);
    this.windowMs = init.windowMs ?? DEFAULT_WINDOW_MS;
    this.pane = { gen: 0, container: null, ring: new LogRing(init.ringLines), stop: null, stream: null, intake: null, batch: null };
  }

  handle(m: ToWorker): void {
    if (this.stopped) return;
    switch (m.t) {
      case 'attach':
        return this.attach(m);
      case 'view':
        this.view = m.view;
        this.viewGen = m.gen;
        return this.pushWindow();
      case 'follow':
        return this.follow(m.name, m.service, m.since);
      case 'unfollow': {
        const f = this.followed.get(m.name);
        this.followed.delete(m.name);
        if (f) this.stopFollow(f);
        return;
      }
      case 'find': {
        const from = m.from;
        this.post({ t: 'found', id: m.id, seq: findMatch(this.pane.ring, m.filter, from, m.dir) });
        return;
      }
      case 'save':
        return this.save(m.id, m.path);
      case 'inject':
        return this.inject(m);
      case 'stop':
        return this.stop();
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.pane.stop?.();
    this.pane.stop = null;
    for (const f of this.followed.values()) this.stopFollow(f);
    this.followed.clear();
    if (this.pushTimer) clearTimeout(this.pushTimer);
    if (this.sliceTimer) clearImmediate(this.sliceTimer);
    this.docker.close();
  }

  // ---- the pane -----------------------------------------------------------------------------

  private attach(m: Extract<ToWorker, { t: 'attach' }>): void {
    const keep = m.keep === true && m.container === this.pane.container;
    // A re-attach (the container came back) only when the stream ended: a live one goes on as it is.
    if (keep && this.pane.stop !== null) return;
    // Evidence follows reading this stream go on with their own, from where it was.
    this.handOver(this.pane.container);
    this.pane.stop?.();
    const ring = keep ? this.pane.ring : new LogRing(this.init.ringLines);
    this.pane = { gen: m.gen, container: m.container, ring, stop: null, stream: null, intake: null, batch: null };
    if (m.note) ring.push({ seq: -1, stream: 'stderr', level: 'ERROR', text: m.note });
    if (m.container) this.open(m.container, m.service, m.since, m.since === undefined ? (m.tail ?? this.init.tail) : undefined);
    this.markDirty(true);
  }

  private open(container: string, service: Service | undefined, since: number | undefined, tail: number | undefined): void {
    const pane = this.pane;
    const stream = new LogStream({
      ring: pane.ring,
      emit: (e) => this.paneEvent(pane, e),
      container,
      service,
      // Highlights halt/lift/breaker lines in the pane; evidence events come from the evidence watch.
      matcher: this.matcher,
      emitEvidence: false,
      flushMs: this.init.flushMs,
      timestamps: true,
      // The intake's budget keeps this far below the default: a second bound, never reached in practice.
      maxPendingLines: 20_000,
    });
    pane.stream = stream;
    let intake: Intake | null = null;
    const stopLogs = this.docker.logs(
      container,
      { follow: true, tail, since, timestamps: true },
      (chunk, tty) => {
        intake ??= new Intake({
          tty,
          stream,
          mode: 'pane',
          screen: service ? this.screens[service] : null,
          timestamps: true,
          linesPerSec: this.init.linesPerSec,
          // The evidence watch reads this stream when it follows the same container.
          onHit: (kind, unit) => {
            const f = this.followed.get(container);
            if (f && f.own === null) this.evidenceUnit(f, kind, unit);
          },
        });
        pane.intake = intake;
        intake.push(chunk);
      },
      (error) => {
        intake?.end();
        const cut = error === undefined && intake?.cut ? `log stream of ${container} was cut in the middle of a frame` : undefined;
        stream.onEnd(error ?? cut);
        if (this.pane === pane) pane.stop = null;
        // An evidence follow reading it ends with it (the container stopped): the UI thread follows again.
        const f = this.followed.get(container);
        if (f && f.own === null) this.followEnded(f);
      },
    );
    pane.stop = () => {
      stopLogs();
      stream.stop();
    };
  }

  private paneEvent(pane: PaneState, e: CockpitEvent): void {
    if (pane !== this.pane) return;
    if (e.type === 'logs.batch') {
      const b = pane.batch ?? { added: 0, dropped: 0, at: e.at };
      b.added += e.added;
      b.dropped += e.dropped;
      b.at = e.at;
      if (e.behindMs !== undefined) b.behindMs = e.behindMs;
      pane.batch = b;
      this.markDirty(false);
      return;
    }
    if (e.type === 'logs.error') {
      this.markDirty(true); // the lines before the error first
      this.post({ t: 'event', e });
      return;
    }
    this.post({ t: 'event', e });
  }

  /**
   * New lines: push the window now if the last push is older than windowMs, else once it is. While
   * lines pour in (the last window brought many), every other turn: each window is a full frame for
   * the UI thread, and under a flood that thread's time goes to keys first.
   */
  private markDirty(now: boolean): void {
    if (this.pushTimer) {
      if (!now) return;
      clearTimeout(this.pushTimer);
      this.pushTimer = null;
    }
    const every = this.lastAdded > FLOOD_WINDOW_LINES ? this.windowMs * 2 : this.windowMs;
    const wait = now ? 0 : this.lastPush + every - performance.now();
    if (wait <= 0) return this.pushWindow();
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null;
      this.pushWindow();
    }, wait);
  }

  private pushWindow(): void {
    if (this.stopped) return;
    if (this.sliceTimer) {
      clearImmediate(this.sliceTimer);
      this.sliceTimer = null;
    }
    this.lastPush = performance.now();
    const pane = this.pane;
    const batch = pane.batch ?? undefined;
    pane.batch = null;
    this.lastAdded = (batch?.added ?? 0) + (batch?.dropped ?? 0);
    let w: LogWindow;
    if (this.view && this.viewGen === pane.gen) {
      w = computeWindow(pane.ring, this.view, { gen: pane.gen, container: pane.container });
    } else {
      w = {
        gen: pane.gen,
        container: pane.container,
        lines: [],
        size: pane.ring.size,
        capacity: pane.ring.capacity,
        firstSeq: pane.ring.size ? (pane.ring.at(0)?.seq ?? null) : null,
        lastSeq: pane.ring.size ? (pane.ring.at(-1)?.seq ?? null) : null,
        matches: null,
        pending: false,
        view: null,
      };
    }
    if (batch) w.batch = batch;
    this.post({ t: 'window', w });
    // A filter still counting: the next slice after whatever else is waiting (ingestion, queries).
    if (w.pending) this.sliceTimer = setImmediate(() => this.pushWindow());
  }

  private save(id: number, path: string): void {
    try {
      const ring = this.pane.ring;
      const lines: string[] = [];
      for (let i = 0; i < ring.size; i++) {
        const l = ring.at(i);
        if (l) lines.push(`${l.ts ? `${l.ts} ` : ''}${l.stream === 'stderr' ? '[stderr] ' : ''}${l.text.replace(/\x1b\[[0-9;:]*m/g, '')}`);
      }
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
      this.post({ t: 'saved', id, lines: lines.length });
    } catch (e) {
      this.post({ t: 'saved', id, error: (e as Error)?.message ?? String(e) });
    }
  }

  private inject(m: Extract<ToWorker, { t: 'inject' }>): void {
    const pane = this.pane;
    if (m.gen !== pane.gen) return;
    if (m.lines) {
      for (const l of m.lines as LogLine[]) pane.ring.push(l);
      const b = pane.batch ?? { added: 0, dropped: 0, at: Date.now() };
      b.added += m.lines.length;
      b.at = Date.now();
      pane.batch = b;
      this.markDirty(false);
    }
    if (m.bytes) {
      const stream =
        pane.stream ??
        new LogStream({
          ring: pane.ring,
          emit: (e) => this.paneEvent(pane, e),
          container: pane.container ?? '',
          matcher: this.matcher,
          emitEvidence: false,
        });
      pane.stream = stream;
      stream.onData(m.stream ?? 'stdout', Buffer.from(m.bytes));
      stream.flush();
    }
  }

  // ---- the evidence watch -------------------------------------------------------------------

  private follow(name: string, service: Service, since: number): void {
    const old = this.followed.get(name);
    if (old) this.stopFollow(old);
    const f: Followed = {
      name,
      service,
      sinceMs: since * 1000,
      lastHit: Number.NEGATIVE_INFINITY,
      atLastHit: new Set(),
      stream: new LogStream({
        ring: new LogRing(16),
        emit: (e) => {
          if (e.type === 'evidence' || e.type === 'evidence.gap') this.post({ t: 'event', e });
        },
        container: `evidence:${name}`,
        service,
        matcher: this.matcher,
        evidenceOnly: true,
        timestamps: true,
      }),
      own: null,
    };
    this.followed.set(name, f);
    // The pane streams this container already: read its stream rather than open a second one.
    if (this.pane.container === name && this.pane.stop !== null) return;
    this.openOwn(f, since);
  }

  /** An evidence line candidate (it holds a literal): passed on once, if written since the follow began. */
  private evidenceUnit(f: Followed, kind: 'stdout' | 'stderr', unit: Buffer): void {
    if (!this.acceptEvidence(f, unit)) return;
    f.stream.onData(kind, unit);
  }

  /**
   * Written since the follow began, and not passed on already. Docker may stamp lines read together
   * with one time: at the newest time, lines are told apart by their bytes.
   */
  private acceptEvidence(f: Followed, unit: Buffer): boolean {
    const ts = dockerTime(unit, 0, unit.length);
    if (!Number.isFinite(ts)) return true;
    if (ts < f.sinceMs || ts < f.lastHit) return false;
    const key = unit.toString('latin1');
    if (ts === f.lastHit) {
      if (f.atLastHit.has(key)) return false;
    } else {
      f.lastHit = ts;
      f.atLastHit.clear();
    }
    if (f.atLastHit.size < 64) f.atLastHit.add(key);
    return true;
  }

  private openOwn(f: Followed, since: number): void {
    let intake: Intake | null = null;
    const stopLogs = this.docker.logs(
      f.name,
      { follow: true, since, timestamps: true },
      (chunk, tty) => {
        intake ??= new Intake({
          tty,
          stream: f.stream,
          mode: 'evidence',
          screen: this.screens[f.service],
          timestamps: true,
          accept: (unit) => this.acceptEvidence(f, unit),
        });
        intake.push(chunk);
      },
      () => {
        intake?.end();
        if (this.followed.get(f.name) === f && f.own === stop) this.followEnded(f);
      },
    );
    const stop = () => stopLogs();
    f.own = stop;
  }

  /** The pane leaves `container`: a follow reading its stream opens its own, from the last line seen. */
  private handOver(container: string | null): void {
    if (container === null) return;
    const f = this.followed.get(container);
    if (!f || f.own !== null) return;
    const seen = this.pane.intake?.newest ?? Number.NaN;
    const from = Number.isFinite(seen) ? Math.min(seen, Date.now()) : Date.now();
    this.openOwn(f, Math.floor(from / 1000) - 1);
  }

  private followEnded(f: Followed): void {
    f.stream.onEnd();
    this.followed.delete(f.name);
    this.post({ t: 'followEnded', name: f.name });
  }

  private stopFollow(f: Followed): void {
    f.own?.();
    f.own = null;
    f.stream.stop();
  }
}
