import type { Emit } from '../state/events.js';
import type { LogLine } from '../state/types.js';
import type { LogWorkerHost } from './logs/host.js';
import type { LogWindow, ViewQuery } from './logs/protocol.js';

/** k9s-style presets: how much history to load when attaching. */
export const LOG_PRESETS = [
  { id: 'tail', label: `tail`, since: undefined },
  { id: '1m', label: '1m', since: 60 },
  { id: '5m', label: '5m', since: 300 },
  { id: '15m', label: '15m', since: 900 },
  { id: '1h', label: '1h', since: 3600 },
] as const;
export type LogPresetId = (typeof LOG_PRESETS)[number]['id'];

const sameView = (a: ViewQuery | null, b: ViewQuery) =>
  a !== null && a.rows === b.rows && a.width === b.width && a.wrap === b.wrap && a.endSeq === b.endSeq && a.filter === b.filter;

/**
 * The log stream behind the Logs pane, one container at a time. The lines live in the log worker
 * (src/services/logs/worker-core.ts): this side says what to follow and what the pane shows (setView),
 * and keeps the last visible window the worker sent (window, subscribe).
 */
export class LogPane {
  container: string | null = null;
  preset: LogPresetId = 'tail';
  private generation = 0;
  private current: LogWindow | null = null;
  private view: ViewQuery | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly host: LogWorkerHost,
    private readonly emit: Emit,
    private readonly opts: { ringLines: number; serviceOf: (name: string) => 'execution' | 'brain' | undefined },
  ) {
    host.onWindow((w) => {
      // A window of an earlier attach (in flight while switching) is never shown under the new one.
      if (w.gen !== this.generation) return;
      this.current = w;
      for (const cb of this.listeners) cb();
    });
  }

  /** The last visible window the worker sent for the current container (null before the first). */
  get window(): LogWindow | null {
    return this.current;
  }

  /** Told when a new window arrived (the pane redraws). */
  subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  };

  getWindow = (): LogWindow | null => this.current;

  /** Lines the ring can hold (before the first window: the configured size). */
  get capacity(): number {
    return this.current?.capacity ?? this.opts.ringLines;
  }

  attach(container: string | null, preset: LogPresetId = this.preset): void {
    this.generation++;
    this.container = container;
    this.preset = preset;
    this.current = null;
    this.emit({ type: 'logs.attached', container, at: Date.now() });
    const p = LOG_PRESETS.find((x) => x.id === preset) ?? LOG_PRESETS[0];
    const since = p.since ? Math.floor(Date.now() / 1000) - p.since : undefined;
    this.host.send({
      t: 'attach',
      gen: this.generation,
      container,
      since,
      service: container ? this.opts.serviceOf(container) : undefined,
    });
    if (this.view) this.host.send({ t: 'view', gen: this.generation, view: this.view });
    for (const cb of this.listeners) cb();
  }

  /** Re-open after the stream ended (container restarted), continuing from the last line's time, same ring. */
  reattach(): void {
    if (!this.container) return;
    this.host.send({
      t: 'attach',
      gen: this.generation,
      container: this.container,
      since: Math.floor(Date.now() / 1000) - 1,
      service: this.opts.serviceOf(this.container),
      keep: true,
    });
    if (this.view) this.host.send({ t: 'view', gen: this.generation, view: this.view });
  }

  detach(): void {
    this.generation++;
    this.host.send({ t: 'attach', gen: this.generation, container: null });
  }

  /** What the pane shows; the worker answers with a window at once and then as lines arrive. */
  setView(view: ViewQuery): void {
    if (sameView(this.view, view)) return;
    this.view = view;
    this.host.send({ t: 'view', gen: this.generation, view });
  }

  /** Seq of the oldest and newest line held, from the last window. */
  firstSeq(): number | null {
    return this.current?.firstSeq ?? null;
  }

  lastSeq(): number | null {
    return this.current?.lastSeq ?? null;
  }

  /** The next (dir 1) or previous (-1) line matching `filter` after/before seq `from`, in the whole ring. */
  findMatch(filter: string, from: number, dir: 1 | -1): Promise<number | null> {
    return this.host.request(
      (id) => ({ t: 'find', id, filter, from, dir }),
      (m) => (m.t === 'found' ? m.seq : null),
      null,
    );
  }

  /** Writes the buffered lines (plain text, SGR removed) to a file; resolves with the line count. */
  save(path: string): Promise<number> {
    return this.host
      .request(
        (id) => ({ t: 'save', id, path }),
        (m) => (m.t === 'saved' ? m : { t: 'saved' as const, id: 0, error: 'no answer' }),
        { t: 'saved' as const, id: 0, error: 'the log worker stopped' },
      )
      .then((m) => {
        if (m.error !== undefined) throw new Error(m.error);
        return m.lines ?? 0;
      });
  }

  /**
   * Lines into the ring without a container (tests, the demo): `lines` as they are, or raw `bytes`
   * through the real pipeline (split, sanitize, parse).
   */
  inject(input: { lines?: LogLine[]; bytes?: Uint8Array; stream?: 'stdout' | 'stderr' }): void {
    this.host.send({ t: 'inject', gen: this.generation, ...input });
  }
}
