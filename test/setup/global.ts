/**
 * vitest globalSetup: `npm test` brings up what the tests need and stops all of it afterwards.
 *
 * 1. the system tools (apt-get when root, else one line naming the packages);
 * 2. a sweep of what earlier runs left behind (found by their marker, see run-marker.ts);
 * 3. this run's marker and its own temporary folder (TMPDIR), inherited by every worker and child;
 * 4. one private dockerd for the whole run, unless TITAN_TEST_DOCKER_HOST names one already.
 * Teardown, Ctrl-C, SIGTERM and the process's exit all end in the same sweep of this run.
 */
import { ensureSystemTools } from './system-tools.js';
import { baseTmp, createRunRoot, leftoverRuns, newRunId, RUN_ENV, sweepRun } from './run-marker.js';

function say(line: string): void {
  process.stderr.write(`[test setup] ${line}\n`);
}

export default async function setup(): Promise<() => Promise<void>> {
  ensureSystemTools();

  for (const old of leftoverRuns()) {
    const names = sweepRun(old);
    say(`removed what an earlier test run left behind (run ${old}: ${names.length} processes ${names.join(' ')})`);
  }

  process.env.TITAN_TEST_BASE_TMP = baseTmp();
  const runId = newRunId();
  const root = createRunRoot(runId);
  process.env[RUN_ENV] = runId;
  process.env.TMPDIR = root;

  let swept = false;
  const sweep = (graceMs?: number) => {
    if (swept) return [];
    swept = true;
    return sweepRun(runId, graceMs);
  };
  process.once('exit', () => sweep(5_000));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(sig, () => {
      say(`${sig}: stopping the engines this run started`);
      sweep(5_000);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });

  let stopDocker: (() => Promise<void>) | undefined;
  if (!process.env.TITAN_TEST_DOCKER_HOST?.trim()) {
    const { startDockerd } = await import('../helpers/docker.js');
    const docker = await startDockerd();
    process.env.TITAN_TEST_DOCKER_HOST = docker.host;
    stopDocker = docker.stop;
  }

  return async () => {
    await stopDocker?.().catch((e: Error) => say(`stopping the shared dockerd: ${e.message}`));
    // vitest's own watchdog carries the marker too (it starts after this setup); it is not a leak.
    const left = sweep().filter((name) => name !== 'vitest-watchdog');
    if (left.length > 0) say(`stopped ${left.length} processes the tests left running: ${left.join(' ')}`);
  };
}
