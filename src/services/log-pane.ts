import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Emit } from '../state/events.js';
import type { Engine } from './engine.js';
import type { EvidenceMatcher } from './logs/evidence.js';
import { LogRing } from './logs/ring.js';
import { LogStream } from './logs/log-stream.js';

/** k9s-style presets: how much history to load when attaching. */
export const LOG_PRESETS = [
  { id: 'tail', label: `tail`, since: undefined },
  { id: '1m', label: '1m', since: 60 },
  { id: '5m', label: '5m', since: 300 },
  { id: '15m', label: '15m', since: 900 },
  { id: '1h', label: '1h', since: 3600 },
] as const;
export type LogPresetId = (typeof LOG_PRESETS)[number]['id'];

/** The log stream behind the Logs pane: one container at a time, bounded, batched. */
export class LogPane {
  ring: LogRing;
  container: string | null = null;
  preset: LogPresetId = 'tail';
  private stopCurrent: (() => void) | null = null;
  private generation = 0;

  constructor(
    private readonly engine: Engine,
    private readonly emit: Emit,
    private readonly opts: {
      ringLines: number;
      tail: number;
      flushMs: number;
      matcher?: EvidenceMatcher;
      serviceOf: (name: string) => 'execution' | 'brain' | undefined;
    },
  ) {
    this.ring = new LogRing(opts.ringLines);
  }

  attach(container: string | null, preset: LogPresetId = this.preset): void {
    this.detach();
    this.container = container;
    this.preset = preset;
    this.ring = new LogRing(this.opts.ringLines);
    this.emit({ type: 'logs.attached', container, at: Date.now() });
    if (container) this.open(container, preset);
  }

  /** Re-open after the stream ended (container restarted), continuing from the last line's time. */
  reattach(): void {
    if (this.container && !this.stopCurrent) this.open(this.container, this.preset, Math.floor(Date.now() / 1000) - 1);
  }

  detach(): void {
    this.generation++;
    this.stopCurrent?.();
    this.stopCurrent = null;
  }

  /** Writes the buffered lines (plain text, SGR removed) to a file; returns the line count. */
  save(path: string): number {
    const lines: string[] = [];
    for (let i = 0; i < this.ring.size; i++) {
      const l = this.ring.at(i);
      if (l) lines.push(`${l.ts ? `${l.ts} ` : ''}${l.stream === 'stderr' ? '[stderr] ' : ''}${l.text.replace(/\x1b\[[0-9;:]*m/g, '')}`);
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
    return lines.length;
  }

  private open(container: string, preset: LogPresetId, sinceOverride?: number): void {
    const gen = this.generation;
    const p = LOG_PRESETS.find((x) => x.id === preset) ?? LOG_PRESETS[0];
    const stream = new LogStream({
      ring: this.ring,
      emit: this.emit,
      container,
      service: this.opts.serviceOf(container),
      // Highlight halt/lift/breaker lines in the pane; evidence events come from the evidence watch.
      matcher: this.opts.matcher,
      emitEvidence: false,
      flushMs: this.opts.flushMs,
      timestamps: true,
    });
    const since = sinceOverride ?? (p.since ? Math.floor(Date.now() / 1000) - p.since : undefined);
    const stopLogs = this.engine.logs(
      container,
      { follow: true, tail: since === undefined ? this.opts.tail : undefined, since, timestamps: true },
      (s, chunk) => stream.onData(s, chunk),
      (error) => {
        stream.onEnd(error);
        if (gen !== this.generation) return;
        this.stopCurrent = null;
        if (error) this.emit({ type: 'logs.error', container, error, at: Date.now() });
      },
    );
    this.stopCurrent = () => {
      stopLogs();
      stream.stop();
    };
  }
}
