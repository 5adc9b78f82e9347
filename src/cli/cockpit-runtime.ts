import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import { createRuntime, type Runtime } from '../runtime.js';

/** A performance mark: the services started (the bench log, src/cli/bench-log.ts, records its time). */
export const SERVICES_STARTED_MARK = 'titan-tui:services-started';

/** The cockpit reads keys: without a terminal it refuses before anything starts. */
export function requireTerminal(): void {
  if (!process.stdin.isTTY) throw new ConfigError('the cockpit needs a terminal (stdin is not a TTY); use `titan-tui status` for scripts');
}

/**
 * The cockpit's services, started before its screen's code is loaded: the engine's list, the probes,
 * the bus and the halt file are on their way while React and Ink are read and compiled. When the
 * engine answers slowly that wait is hidden behind the loading (bench/cockpit.bench.test.ts:
 * start-up, and the README's Benchmarks).
 */
export function startCockpitRuntime(loaded: LoadedConfig): Runtime {
  requireTerminal();
  const rt = createRuntime(loaded);
  rt.start();
  performance.mark(SERVICES_STARTED_MARK);
  return rt;
}
