/**
 * Is a command blocked reading the stdin we gave it?
 *
 * bash's `read -p PROMPT` prints its prompt only when stdin is a terminal. The real
 * scripts/restore-db.sh asks that way, so through a pipe it asks silently. On Linux the kernel
 * tells us anyway: a process of the command's group whose fd 0 is our pipe is sleeping in a
 * read of that pipe. Elsewhere (or when /proc hides it) this answers false and only visible prompts count.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

const link = (path: string): string | null => {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
};

/** The pipe behind a process's stdin: "pipe:[N]", or "socket:[N]" (Node's stdio pipes are socket pairs); null otherwise. */
export function stdinPipeOf(pid: number): string | null {
  const target = link(`/proc/${pid}/fd/0`);
  return target?.startsWith('pipe:') || target?.startsWith('socket:') ? target : null;
}

/** Process group and state from /proc/PID/stat (the command name may contain spaces and parentheses). */
function groupAndState(pid: string): { pgrp: number; state: string } | null {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const pgrp = Number(rest[2]);
  return Number.isFinite(pgrp) ? { pgrp, state: rest[0] ?? '' } : null;
}

/** Sleeping in read(0, …): the syscall is read (x86-64: 0, arm64: 63) on fd 0, or wchan names a pipe/socket read. */
function readingStdin(pid: string): boolean {
  const syscall = read(`/proc/${pid}/syscall`);
  if (syscall !== null && /^\d/.test(syscall)) return /^(0|63) 0x0 /.test(syscall);
  const wchan = read(`/proc/${pid}/wchan`);
  return wchan !== null && /pipe_read|pipe_wait|unix_stream_read/.test(wchan);
}

/** True when some process of group `pgid` sleeps reading the pipe `pipe` on its stdin. */
export function waitingOnStdin(pgid: number, pipe: string): boolean {
  if (process.platform !== 'linux') return false;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return false;
  }
  for (const pid of pids) {
    const st = groupAndState(pid);
    if (!st || st.pgrp !== pgid || st.state !== 'S') continue;
    if (link(`/proc/${pid}/fd/0`) !== pipe) continue;
    if (readingStdin(pid)) return true;
  }
  return false;
}
