/**
 * Every process and folder a test run starts is marked, so that the run's own teardown, its exit
 * hook, and the next run's start can find them all and nothing else: never by process name.
 *
 * - processes: the environment variable TITAN_TEST_RUN=<run id>, inherited by every child
 *   (dockerd and its containerd, nats-server, tmux servers and the cockpits in their panes);
 *   container processes, which get a clean environment, are found by their root directory,
 *   which lies inside the run's folder;
 * - folders: the run's root folder /tmp/titan-test-<run id>/ (TMPDIR for the whole run).
 *
 * A run id is "<owner pid>.<owner start time>", so a leftover run can be told from a live one
 * even when the PID has been reused. Everything here is synchronous: it runs in exit hooks.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RUN_ENV = 'TITAN_TEST_RUN';
const RUN_PREFIX = 'titan-test-';
const RUN_FILE = '.titan-test-run';

/** /tmp, or the TMPDIR the run started with (read before the run points TMPDIR at its own folder). */
export function baseTmp(): string {
  return process.env.TITAN_TEST_BASE_TMP || '/tmp';
}

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name, which may itself hold spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function newRunId(pid = process.pid): string {
  return `${pid}.${startTime(pid) ?? Date.now()}`;
}

/** Whether the process that owns the run is still the same living process. */
export function runIsAlive(runId: string): boolean {
  const [pid, start] = runId.split('.');
  return Number(pid) > 0 && startTime(Number(pid)) === start;
}

export function runRoot(runId: string): string {
  return join(baseTmp(), `${RUN_PREFIX}${runId}`);
}

export function createRunRoot(runId: string): string {
  const dir = runRoot(runId);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, RUN_FILE), `${JSON.stringify({ runId, created: new Date().toISOString() })}\n`);
  return dir;
}

interface MarkedProcess {
  pid: number;
  runId: string | undefined;
  root: string | undefined;
  comm: string;
}

function readProcess(pid: number): MarkedProcess | undefined {
  let runId: string | undefined;
  let root: string | undefined;
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    const at = environ.indexOf(`${RUN_ENV}=`);
    if (at === 0 || (at > 0 && environ[at - 1] === '\0')) {
      const end = environ.indexOf('\0', at);
      runId = environ.slice(at + RUN_ENV.length + 1, end === -1 ? undefined : end);
    }
  } catch {
    return undefined; // gone, or not ours to read
  }
  try {
    root = readlinkSync(`/proc/${pid}/root`);
  } catch {
    /* kernel thread or gone */
  }
  let comm = '';
  try {
    comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    /* gone */
  }
  return { pid, runId, root, comm };
}

/** Processes that belong to a run: by the marker in their environment, or a root inside its folder. */
export function processesOf(matches: (p: MarkedProcess) => boolean): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    const p = readProcess(pid);
    if (p && matches(p)) found.push(p);
  }
  return found;
}

function belongsTo(runId: string): (p: MarkedProcess) => boolean {
  const root = runRoot(runId);
  return (p) => p.runId === runId || p.root?.startsWith(`${root}/`) === true;
}

export function countRunProcesses(runId: string): number {
  return processesOf(belongsTo(runId)).length;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** Lazy-unmounts everything mounted below dir (dockerd leaves its netns and overlay mounts). */
export function unmountBelow(dir: string): void {
  let mounts = '';
  try {
    mounts = readFileSync('/proc/mounts', 'utf8');
  } catch {
    return;
  }
  const points = mounts
    .split('\n')
    .map((line) => (line.split(' ')[1] ?? '').replace(/\\040/g, ' '))
    .filter((p) => p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const p of points)
    try {
      execFileSync('umount', ['-l', p], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
}

/**
 * Stops everything a run started and deletes its folder: dockerd gets SIGTERM first (it stops its
 * containers and containerd), then whatever is left gets SIGKILL. Returns the names of the processes it found.
 */
export function sweepRun(runId: string, graceMs = 15_000): string[] {
  const mine = belongsTo(runId);
  const first = processesOf(mine);
  const daemons = first.filter((p) => p.comm === 'dockerd');
  for (const d of daemons) signal(d.pid, 'SIGTERM');
  const deadline = Date.now() + (daemons.length ? graceMs : 0);
  while (Date.now() < deadline && daemons.some((d) => existsSync(`/proc/${d.pid}`) && readProcess(d.pid)?.runId === runId)) sleepSync(100);
  // Children may be started while we kill: go round until none is left (bounded).
  for (let round = 0; round < 10; round++) {
    const left = processesOf(mine);
    if (left.length === 0) break;
    for (const p of left) signal(p.pid, 'SIGKILL');
    sleepSync(100);
  }
  const dir = runRoot(runId);
  unmountBelow(dir);
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    /* reported by the next sweep */
  }
  return first.map((p) => p.comm);
}

/** Runs left behind by earlier test runs whose owner is gone: from their folders and their processes. */
export function leftoverRuns(): string[] {
  const runs = new Set<string>();
  try {
    for (const name of readdirSync(baseTmp()))
      if (name.startsWith(RUN_PREFIX) && existsSync(join(baseTmp(), name, RUN_FILE))) runs.add(name.slice(RUN_PREFIX.length));
  } catch {
    /* no tmp */
  }
  for (const p of processesOf((p) => p.runId !== undefined)) if (p.runId) runs.add(p.runId);
  return [...runs].filter((id) => /^\d+\.\d+$/.test(id) && !runIsAlive(id));
}
