import type { Emit } from '../state/events.js';
import type { HaltFileState } from '../state/types.js';
import { printable } from '../text/safe-text.js';
import type { Engine } from './engine.js';

export interface HaltWatchOptions {
  container: () => string;
  path: string;
  intervalMs?: number;
}

/**
 * Watches the execution engine's halt file through the Docker archive API (a HEAD request: no exec,
 * no shell needed in the container). The file's presence is the engine's own record of its halt
 * (contract §5: set_halt writes it, lifting deletes it).
 */
export class HaltWatch {
  private timer: NodeJS.Timeout | null = null;
  private inflight: Promise<HaltFileState | null> | null = null;
  private last: string | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly emit: Emit,
    private readonly opts: HaltWatchOptions,
  ) {}

  start(): void {
    const tick = () => {
      void this.refresh().finally(() => {
        if (this.timer !== null) this.timer = setTimeout(tick, this.opts.intervalMs ?? 2000).unref();
      });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Reads the file state now (shared with any read already in flight). null when it could not be read. */
  refresh(): Promise<HaltFileState | null> {
    this.inflight ??= this.read().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async read(): Promise<HaltFileState | null> {
    const name = this.opts.container();
    const at = Date.now();
    const stat = await this.engine.statPath(name, this.opts.path);
    if (!stat.ok) {
      this.emit({ type: 'haltFile.error', error: stat.detail, at });
      return null;
    }
    let state: HaltFileState = { present: stat.value.present, mtime: stat.value.mtime, size: stat.value.size };
    const key = JSON.stringify(state);
    if (state.present) {
      if (key === this.last) return this.lastState ?? state;
      const content = await this.engine.readFile(name, this.opts.path, 4096);
      state = { ...state, content: content.ok && content.value !== null ? printable(content.value.trim(), 4096) : undefined };
    }
    this.last = key;
    this.lastState = state;
    this.emit({ type: 'haltFile', state, at });
    return state;
  }

  private lastState: HaltFileState | null = null;
}
