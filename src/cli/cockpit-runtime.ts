import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { SERVICES_STARTED_MARK } from './bench-log.js';

/**
 * The cockpit's services, started before its screen's code is loaded: the engine's list, the probes,
 * the bus and the halt file are on their way while React and Ink are read and compiled, and the first
 * frame is drawn complete that much sooner (bench/cockpit.bench.test.ts: start-up).
 */
export function startCockpitRuntime(loaded: LoadedConfig): Runtime {
  if (!process.stdin.isTTY) throw new ConfigError('the cockpit needs a terminal (stdin is not a TTY); use `titan-tui status` for scripts');
  const rt = createRuntime(loaded);
  rt.start();
  performance.mark(SERVICES_STARTED_MARK);
  return rt;
}
