import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * Opt-in timing probe for bench/ (TITAN_TUI_BENCH_LOG=file): the first complete frame and the
 * first frame after each key, as wall-clock times the benchmark can compare with when it sent
 * the key. Does nothing when the variable is unset.
 */
export function benchProbe(env: NodeJS.ProcessEnv = process.env) {
  const file = env.TITAN_TUI_BENCH_LOG;
  if (!file) return { onRender: undefined, onKey: () => {} };
  let frames = 0;
  let firstDone = false;
  let anyDone = false;
  let keyPending: number | null = null;
  const write = (o: Record<string, unknown>) => {
    try {
      appendFileSync(file, `${JSON.stringify(o)}\n`);
    } catch {
      /* a benchmark aid must never disturb the cockpit */
    }
  };
  setInterval(() => {
    const m = process.memoryUsage();
    write({
      ev: 'mem',
      at: Date.now(),
      frames,
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
    });
  }, 5000).unref();
  return {
    onKey: () => {
      keyPending ??= Date.now();
    },
    onRender: (ready: () => boolean) => () => {
      frames++;
      if (!anyDone) {
        anyDone = true;
        write({ ev: 'first-render', sinceStartMs: Math.round(performance.now()), at: Date.now() });
      }
      if (!firstDone && ready()) {
        firstDone = true;
        write({ ev: 'first-frame', sinceStartMs: Math.round(performance.now()), at: Date.now() });
      }
      if (keyPending !== null) {
        write({ ev: 'key-frame', keyAt: keyPending, at: Date.now() });
        keyPending = null;
      }
    },
  };
}
