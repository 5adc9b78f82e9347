import { readFileSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * The cockpit's claim on a core when the machine is saturated. Under a log flood dockerd, the log
 * followers and the containers want both cores, and the UI thread, ready to draw a key's frame,
 * waited for a core: p99 96-352 ms at normal priority against 40-47 ms raised by 5 (bench: emoji and
 * yes floods, "the UI thread ready but waiting for a core", alternating runs; README, Benchmarks).
 *
 * Raising takes two parts on Linux. The calling thread's nice value (nice is per thread there): the
 * UI thread only: the log worker (src/services/logs/host.ts), the commands the procedures run and
 * the editor are made at the normal value (atNormalPriority). And, where the kernel groups each session's
 * processes (autogroup: a tmux pane or an SSH login is one), the session's group, the weight the
 * kernel shares the cores by between sessions; it is put back when the cockpit ends, since the
 * operator's shell stays in it. Both need root or CAP_SYS_NICE; without, nothing changes.
 */

/** How far the UI thread's and the session's nice values go down (a weight 3x normal). */
export const RAISE_STEP = 5;

const AUTOGROUP = '/proc/self/autogroup';

export type PriorityRaise = {
  /** The UI thread's nice value was lowered. */
  raised: boolean;
  /** What was done or why not, for the operator (the README's words). */
  detail: string;
};

/** Set while raised: the values to put back (and to make threads and children at). */
let saved: { nice: number; group: number | null } | null = null;

/** The session group's nice value, or null where the kernel does not group sessions. */
function groupNice(): number | null {
  try {
    const m = / nice (-?\d+)/.exec(readFileSync(AUTOGROUP, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function setGroupNice(n: number): boolean {
  try {
    writeFileSync(AUTOGROUP, String(n));
    return true;
  } catch {
    return false;
  }
}

/** Lowers this thread's nice value (and the session group's) by RAISE_STEP, when permitted. */
export function raiseUiPriority(): PriorityRaise {
  if (saved) return { raised: true, detail: 'already raised' };
  let nice: number;
  try {
    nice = getPriority();
    setPriority(Math.max(-20, nice - RAISE_STEP));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as { info?: { code?: string } }).info?.code;
    return { raised: false, detail: `normal priority (raising it needs root or CAP_SYS_NICE: ${code ?? (e as Error).message})` };
  }
  const group = groupNice();
  const groupRaised = group !== null && setGroupNice(Math.max(-20, group - RAISE_STEP));
  saved = { nice, group: groupRaised ? group : null };
  // Whatever way the process ends short of SIGKILL, the operator's session gets its share back.
  process.once('exit', restoreUiPriority);
  return {
    raised: true,
    detail: `UI thread nice ${nice} → ${getPriority()}${groupRaised ? `, session group nice ${group} → ${groupNice()}` : ''}`,
  };
}

/** Puts the thread's and the session group's nice values back (the cockpit ends). */
export function restoreUiPriority(): void {
  if (!saved) return;
  const { nice, group } = saved;
  saved = null;
  process.off('exit', restoreUiPriority);
  if (group !== null) setGroupNice(group);
  try {
    setPriority(nice);
  } catch {
    /* only a lower priority was asked for: permitted; nothing else to do */
  }
}

/**
 * Runs `make` (a spawn, a new Worker) with the calling thread back at its normal nice value: a
 * thread or child process takes its creator's value when it is made, and bulk work (the log
 * worker) or the procedures' commands must not run raised. Synchronous, so nothing else runs
 * in between; the raised value comes back after.
 */
export function atNormalPriority<T>(make: () => T): T {
  const s = saved;
  if (!s) return make();
  const raised = getPriority();
  try {
    setPriority(s.nice);
  } catch {
    return make();
  }
  try {
    return make();
  } finally {
    try {
      setPriority(raised);
    } catch {
      /* the permission went away: the UI thread stays normal */
    }
  }
}
