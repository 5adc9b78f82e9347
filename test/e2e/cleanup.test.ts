/**
 * `npm test` stops everything it starts, however the run ends: a crashed worker, Ctrl-C, or a run
 * that died so hard its teardown never ran (the next run sweeps it). Processes are counted by the
 * run's marker (test/setup/run-marker.ts), never by name.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/docker.js';
import { waitFor } from '../helpers/ports.js';
import { countRunProcesses, leftoverRuns, RUN_ENV, runRoot, sweepRun } from '../setup/run-marker.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.pid) process.kill(-c.pid, 'SIGKILL');
});

function runFixture(mode: 'crash' | 'wait'): { child: ChildProcess; report: string; exited: Promise<number | null> } {
  const report = join(tmpdir(), `leak-${mode}-${Date.now()}.txt`);
  const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/leak/vitest.config.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TITAN_LEAK_MODE: mode, TITAN_LEAK_REPORT: report, CI: 'true' },
    stdio: 'ignore',
    // Its own process group, like a terminal's foreground job: Ctrl-C goes to the whole group.
    detached: true,
  });
  started.push(child);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, report, exited };
}

async function runIdOnceStarted(report: string): Promise<string> {
  const id = await waitFor(() => (existsSync(report) ? readFileSync(report, 'utf8').trim() || null : null), 90_000, 50);
  return id;
}

describe('a test run leaves nothing behind', () => {
  it('a worker killed halfway: the run stops its nats-server, dockerd, container and tmux, and removes its folder', async () => {
    const { report, exited } = runFixture('crash');
    const runId = await runIdOnceStarted(report);
    // nats-server, dockerd, containerd, a shim, the container's sleep, a tmux server (at least).
    expect(countRunProcesses(runId)).toBeGreaterThanOrEqual(5);
    expect(existsSync(runRoot(runId))).toBe(true);
    const code = await exited;
    expect(code).not.toBe(0);
    expect(countRunProcesses(runId)).toBe(0);
    expect(existsSync(runRoot(runId))).toBe(false);
  }, 150_000);

  it('Ctrl-C (SIGINT to the runner and its workers) stops everything the run started', async () => {
    const { child, report, exited } = runFixture('wait');
    const runId = await runIdOnceStarted(report);
    expect(countRunProcesses(runId)).toBeGreaterThanOrEqual(5);
    process.kill(-(child.pid as number), 'SIGINT');
    await exited;
    expect(countRunProcesses(runId)).toBe(0);
    expect(existsSync(runRoot(runId))).toBe(false);
  }, 150_000);

  it('what a dead run left behind is found by its marker and swept; a live run is left alone', async () => {
    const dead = `${2 ** 22 + 7}.1`; // a PID above the kernel's limit: that owner is certainly gone
    mkdirSync(runRoot(dead), { recursive: true });
    writeFileSync(join(runRoot(dead), '.titan-test-run'), '{}\n');
    const orphan = spawn('sleep', ['300'], { env: { ...process.env, [RUN_ENV]: dead }, stdio: 'ignore', detached: true });
    started.push(orphan);
    await waitFor(() => countRunProcesses(dead) === 1, 5_000);

    const found = leftoverRuns();
    expect(found).toContain(dead);
    expect(found).not.toContain(process.env[RUN_ENV]); // this run: alive
    expect(sweepRun(dead)).toEqual(['sleep']);
    expect(countRunProcesses(dead)).toBe(0);
    expect(existsSync(runRoot(dead))).toBe(false);
  });
});
