import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { SERVICES_STARTED_MARK } from './cockpit-runtime.js';

/**
 * Opt-in timing probe for bench/ (TITAN_TUI_BENCH_LOG=file): the first complete frame and the
 * first frame after each key, as wall-clock times the benchmark can compare with when it sent
 * the key. Does nothing when the variable is unset.
 */
type WorkerHeap = {
  heapStatistics: () => Promise<{ used: number; total: number; external: number } | null>;
  writeHeapSnapshot: (path: string) => Promise<boolean>;
};
type Watched = { subscribe: (cb: (next: Record<string, unknown>, prev: Record<string, unknown>) => void) => () => void };

/**
 * Node's own modules loaded after bin/titan-tui set its V8 flags: each was compiled from its source,
 * without Node's built-in code cache (the flags changed the hash it was made with). Null when the
 * launcher did not record the moment (another entry point).
 */
function lateBuiltins(): string[] | null {
  const at = (globalThis as Record<symbol, unknown>)[Symbol.for('titan-tui.v8FlagsSetAt')];
  const loaded = (process as { moduleLoadList?: string[] }).moduleLoadList;
  if (typeof at !== 'number' || !loaded) return null;
  return loaded.slice(at).flatMap((m) => (m.startsWith('NativeModule ') ? [m.slice('NativeModule '.length)] : []));
}

/** This thread's CPU time, ms. */
const threadCpuMs = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};

export function benchProbe(env: NodeJS.ProcessEnv = process.env) {
  const file = env.TITAN_TUI_BENCH_LOG;
  if (!file)
    return { onRender: undefined, onKey: () => {}, watch: (_stores: Record<string, Watched>) => () => {}, worker: (_w: WorkerHeap) => {} };
  let workerHeap: WorkerHeap | null = null;
  let heapSignal = false;
  let lastWorker: { used: number; total: number; external: number } | null = null;
  let frames = 0;
  let firstDone = false;
  let anyDone = false;
  let keyPending: number | null = null;
  let keyCpu = 0;
  let keyRunqueue = 0;
  let lastKey = 0;
  /** Store slices that changed since the last frame: what each frame was drawn for (idle CPU). */
  const causes = new Set<string>();
  let renderMs = 0;
  const write = (o: Record<string, unknown>) => {
    try {
      appendFileSync(file, `${JSON.stringify(o)}\n`);
    } catch {
      /* a benchmark aid must never disturb the cockpit */
    }
  };
  // How long the UI thread was busy at a stretch (a key waits for that): max and p99 per 5 s. Only
  // when asked: its 10 ms timer alone would double an idle cockpit's CPU.
  const loopDelay = env.TITAN_TUI_BENCH_LOOP_DELAY === '1' ? monitorEventLoopDelay({ resolution: 10 }) : null;
  loopDelay?.enable();
  // Garbage collections on the UI thread by kind (count and ms per 5 s): what the idle CPU's GC share is.
  const gcKinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  let gc: Record<string, { n: number; ms: number }> = {};
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = gcKinds[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
      const k = gc[kind] ?? { n: 0, ms: 0 };
      gc[kind] = { n: k.n + 1, ms: k.ms + e.duration };
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  // What the UI thread allocates, garbage included (TITAN_TUI_BENCH_ALLOC_PROFILE=file): V8's sampling
  // heap profiler, written at exit as a .heapprofile (Chrome DevTools reads it).
  const allocFile = env.TITAN_TUI_BENCH_ALLOC_PROFILE;
  if (allocFile) {
    void import('node:inspector').then(({ Session }) => {
      const session = new Session();
      session.connect();
      session.post('HeapProfiler.enable');
      session.post('HeapProfiler.startSampling', {
        samplingInterval: 16384,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      process.on('exit', () => {
        session.post('HeapProfiler.stopSampling', (err, res) => {
          if (!err) writeFileSync(allocFile, JSON.stringify(res.profile));
        });
      });
    });
  }
  // How long the UI thread spent inside stdout.write: a terminal's writes are synchronous, and a
  // terminal that reads slowly blocks the thread there. Count, ms, the longest, and those over 5 ms
  // with the part the kernel counts as waiting for a core (run queue, /proc/thread-self/schedstat).
  const noWrites = { n: 0, ms: 0, max: 0, slow: 0, slowRunqueueMs: 0, bytes: 0 };
  let out = { ...noWrites };
  const rawWrite = process.stdout.write.bind(process.stdout) as (...a: unknown[]) => boolean;
  const runqueueMs = () => {
    try {
      return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e6;
    } catch {
      return 0;
    }
  };
  process.stdout.write = ((...a: unknown[]) => {
    const t0 = performance.now();
    const q0 = runqueueMs();
    const r = rawWrite(...a);
    const ms = performance.now() - t0;
    const slow = ms > 5;
    out = {
      n: out.n + 1,
      ms: out.ms + ms,
      max: Math.max(out.max, ms),
      slow: out.slow + (slow ? 1 : 0),
      slowRunqueueMs: out.slowRunqueueMs + (slow ? runqueueMs() - q0 : 0),
      bytes: out.bytes + String(a[0] ?? '').length,
    };
    return r;
  }) as typeof process.stdout.write;
  // When the services started (src/cli/cockpit-runtime.ts marks it, before the screen's code loads).
  const services = performance.getEntriesByName(SERVICES_STARTED_MARK)[0];
  if (services) write({ ev: 'services-start', sinceStartMs: Math.round(services.startTime), at: Date.now() });
  // The cockpit's code is loaded and it starts (the time before this is Node's and the bundle's).
  write({ ev: 'cockpit-start', sinceStartMs: Math.round(performance.now()), at: Date.now() });
  setInterval(() => {
    void workerHeap?.heapStatistics().then((h) => {
      lastWorker = h;
    });
    const m = process.memoryUsage();
    write({
      ev: 'mem',
      at: Date.now(),
      frames,
      renderMs: Math.round(renderMs),
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      ...(loopDelay ? { loopDelayMaxMs: Math.round(loopDelay.max / 1e6), loopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e6) } : {}),
      worker: lastWorker,
      stdoutWrite: {
        ...out,
        ms: Math.round(out.ms * 10) / 10,
        max: Math.round(out.max * 10) / 10,
        slowRunqueueMs: Math.round(out.slowRunqueueMs * 10) / 10,
      },
      gc: Object.fromEntries(Object.entries(gc).map(([k, v]) => [k, { n: v.n, ms: Math.round(v.ms * 10) / 10 }])),
      // V8's spaces (used/committed KB): which one holds the heap, young or old.
      spaces: Object.fromEntries(
        getHeapSpaceStatistics()
          .filter((sp) => sp.space_size > 0)
          .map((sp) => [sp.space_name, `${Math.round(sp.space_used_size / 1024)}/${Math.round(sp.physical_space_size / 1024)}`]),
      ),
    });
    loopDelay?.reset();
    gc = {};
    out = { ...noWrites };
  }, 5000).unref();
  return {
    /**
     * The log worker, whose heap each `mem` record includes; with TITAN_TUI_BENCH_HEAP_DIR, SIGUSR2
     * also writes its heap snapshot there (node's --heapsnapshot-signal writes the UI thread's).
     */
    worker: (w: WorkerHeap) => {
      workerHeap = w;
      const dir = env.TITAN_TUI_BENCH_HEAP_DIR;
      if (dir && !heapSignal) {
        heapSignal = true;
        process.on('SIGUSR2', () => {
          const tmp = `${dir}/Worker.${Date.now()}.tmp`;
          void workerHeap?.writeHeapSnapshot(tmp).then(
            (ok) => ok && renameSync(tmp, tmp.replace(/\.tmp$/, '.heapsnapshot')),
            () => undefined,
          );
        });
      }
    },
    /** Records which top-level keys of each store change (`{ cockpit: store, ui: store }`); returns an unsubscribe. */
    watch: (stores: Record<string, Watched>) => {
      const seen = new Set<string>();
      const offs = Object.entries(stores).map(([name, store]) =>
        store.subscribe((next, prev) => {
          for (const k of Object.keys(next)) {
            if (next[k] === prev[k]) continue;
            causes.add(`${name}.${k}`);
            // When each part of the state first arrived: what the first complete frame waited for.
            if (!firstDone && !seen.has(`${name}.${k}`)) {
              seen.add(`${name}.${k}`);
              write({ ev: 'first-data', part: `${name}.${k}`, sinceStartMs: Math.round(performance.now()), at: Date.now() });
            }
          }
        }),
      );
      return () => {
        for (const off of offs) off();
      };
    },
    onKey: () => {
      lastKey = Date.now();
      if (keyPending === null) {
        keyCpu = threadCpuMs();
        keyRunqueue = runqueueMs();
      }
      keyPending ??= lastKey;
    },
    onRender: (ready: () => boolean) => (info?: { renderTime?: number }) => {
      frames++;
      renderMs += info?.renderTime ?? 0;
      if (env.TITAN_TUI_BENCH_FRAMES === '1')
        write({ ev: 'frame', at: Date.now(), ms: Math.round((info?.renderTime ?? 0) * 10) / 10, causes: [...causes] });
      causes.clear();
      if (env.TITAN_TUI_BENCH_FRAMES !== '1' && !firstDone)
        write({
          ev: 'frame',
          at: Date.now(),
          sinceStartMs: Math.round(performance.now()),
          ms: Math.round((info?.renderTime ?? 0) * 10) / 10,
        });
      if (!anyDone) {
        anyDone = true;
        write({ ev: 'first-render', sinceStartMs: Math.round(performance.now()), at: Date.now() });
      }
      if (!firstDone && ready()) {
        firstDone = true;
        // The CPU the start-up took to get here: the UI thread's, and every thread's (log worker, V8's helpers).
        const all = process.cpuUsage();
        write({
          ev: 'first-frame',
          sinceStartMs: Math.round(performance.now()),
          at: Date.now(),
          mainCpuMs: Math.round(threadCpuMs()),
          cpuMs: Math.round((all.user + all.system) / 1000),
          lateBuiltins: lateBuiltins(),
        });
      }
      if (keyPending !== null) {
        // keyAt: the first key this frame answers; lastKeyAt: the last one (several keys can share a frame).
        // cpuMs: the UI thread's own CPU time from the key's read to its frame (the rest of that
        // time it waited: for a core, or behind other work's I/O). runqueueMs: of that wait, the part
        // the kernel counts as ready to run but waiting for a core.
        write({
          ev: 'key-frame',
          keyAt: keyPending,
          lastKeyAt: lastKey,
          at: Date.now(),
          cpuMs: Math.round((threadCpuMs() - keyCpu) * 10) / 10,
          runqueueMs: Math.round((runqueueMs() - keyRunqueue) * 10) / 10,
        });
        keyPending = null;
      }
    },
  };
}
