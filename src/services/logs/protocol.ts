/**
 * Messages between the UI thread and the log worker (src/services/logs/worker.ts). The worker owns
 * every Docker log stream, the pane's ring and the filter; the UI thread sends what it wants to see
 * (a view) and receives only the visible window, at most a few times a second, plus the events the
 * store needs (evidence at once).
 */
import type { LogPattern } from '../../contract/types.js';
import type { CockpitEvent } from '../../state/events.js';
import type { LogLine } from '../../state/types.js';
import type { EndpointInput } from '../engine/endpoint.js';

export interface WorkerInit {
  /** Where the Docker engine is (the Engine's own settings). */
  engine: EndpointInput;
  patterns: LogPattern[];
  ringLines: number;
  tail: number;
  flushMs: number;
  /** Sustained lines/s the pane decodes before it skips to stay live (default in intake.ts). */
  linesPerSec?: number;
  /** Pushes of the visible window at most this often (default 250 ms). */
  windowMs?: number;
}

/** What the pane shows: the `rows` lines ending at `endSeq` (null: the newest), filtered. */
export interface ViewQuery {
  rows: number;
  width: number;
  wrap: boolean;
  endSeq: number | null;
  filter: string;
}

export type ToWorker =
  /** keep: continue into the same ring (the container restarted); note: a line to show first. */
  | {
      t: 'attach';
      gen: number;
      container: string | null;
      since?: number;
      tail?: number;
      service?: 'execution' | 'brain';
      keep?: boolean;
      note?: string;
    }
  | { t: 'view'; gen: number; view: ViewQuery }
  | { t: 'follow'; name: string; service: 'execution' | 'brain'; since: number }
  | { t: 'unfollow'; name: string }
  | { t: 'find'; id: number; filter: string; from: number; dir: 1 | -1 }
  | { t: 'save'; id: number; path: string }
  /** Tests and the demo: lines into the pane's ring as they are (`lines`) or raw bytes through the pipeline. */
  | { t: 'inject'; gen: number; lines?: LogLine[]; bytes?: Uint8Array; stream?: 'stdout' | 'stderr' }
  | { t: 'stop' };

/** A line of the window; `hl`: [start, end) of the filter's matches in the line's plain text. */
export type WireLine = LogLine & { hl?: Array<[number, number]> };

export interface LogWindow {
  gen: number;
  container: string | null;
  lines: WireLine[];
  size: number;
  capacity: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** Lines matching the filter (null: no filter); a lower bound while `pending`. */
  matches: number | null;
  pending: boolean;
  /** The view this window answers. */
  view: ViewQuery | null;
  /** Lines added and skipped since the last window (the store's logs.batch), when any. */
  batch?: { added: number; dropped: number; at: number; behindMs?: number };
}

export type FromWorker =
  | { t: 'ready' }
  | { t: 'event'; e: CockpitEvent }
  | { t: 'window'; w: LogWindow }
  | { t: 'found'; id: number; seq: number | null }
  /** A followed evidence stream ended by itself (the container stopped): the UI thread may follow again. */
  | { t: 'followEnded'; name: string }
  | { t: 'saved'; id: number; lines?: number; error?: string };
