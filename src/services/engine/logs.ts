/** Container log stream: demultiplexed for normal containers, raw (all stdout) for TTY containers. */
import type { Readable } from 'node:stream';
import { type Caller, containerPath, DEFAULT_TIMEOUT_MS } from './call.js';
import { parseInspect } from './container-info.js';
import { StdDemuxer, type StdStream } from './demux.js';
import { classify } from './errors.js';

export interface LogOptions {
  follow: boolean;
  /** Number of past lines; undefined = all. */
  tail?: number;
  /** Epoch seconds. */
  since?: number;
  timestamps?: boolean;
}

export type OnLogData = (stream: StdStream, chunk: Buffer) => void;
export type OnLogEnd = (error?: string) => void;

/**
 * Starts streaming; returns a stop function. `onEnd` is called once when the stream ends by
 * itself (error text when it failed), never after stop().
 */
export function followLogs(caller: Caller, name: string, opts: LogOptions, onData: OnLogData, onEnd: OnLogEnd): () => void {
  let stopped = false;
  let ended = false;
  let stream: Readable | null = null;
  const end = (error?: string) => {
    if (ended || stopped) return;
    ended = true;
    try {
      onEnd(error);
    } catch {
      // A consumer's bug must not break the engine service.
    }
  };
  const deliver = (s: StdStream, chunk: Buffer) => {
    if (stopped) return;
    try {
      onData(s, chunk);
    } catch {
      // Same as above.
    }
  };

  void (async () => {
    const opened = await caller.run(`read the logs of ${name}`, name, DEFAULT_TIMEOUT_MS, async (signal) => {
      // The stream format depends on the container's TTY setting, so look first.
      const raw = await caller.dial({ method: 'GET', path: containerPath(name, '/json'), ok: [200] }, signal);
      const info = parseInspect(raw);
      const tty = info.ok ? info.data.Config.Tty : false;
      const query: Record<string, unknown> = { follow: opts.follow, stdout: true, stderr: true, timestamps: opts.timestamps === true };
      if (opts.tail !== undefined) query.tail = Math.max(0, Math.floor(opts.tail));
      if (opts.since !== undefined) query.since = opts.since;
      const id = info.ok ? info.data.Id : name;
      const res = await caller.dial<Readable>({ method: 'GET', path: containerPath(id, '/logs'), query, stream: true, ok: [200] }, signal);
      return { res, tty };
    });
    if (!opened.ok) return end(opened.detail);
    const { res, tty } = opened.value;
    if (stopped) {
      res.destroy();
      return;
    }
    stream = res;
    const demux = tty ? null : new StdDemuxer(deliver);
    res.on('data', (chunk: Buffer) => (demux ? demux.push(chunk) : deliver('stdout', chunk)));
    res.on('end', () => end(demux && demux.buffered > 0 ? `log stream of ${name} was cut in the middle of a frame` : undefined));
    res.on('error', (e) => end(classify(e, { endpoint: caller.endpoint, op: `read the logs of ${name}` }).detail));
    res.on('close', () => end(res.readableEnded ? undefined : `log stream of ${name} closed by the Docker engine at ${caller.endpoint}`));
  })();

  return () => {
    if (stopped) return;
    stopped = true;
    stream?.destroy();
  };
}
