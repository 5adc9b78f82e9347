import { readdirSync, readFileSync } from 'node:fs';
import { waitFor } from './ports.js';

/**
 * Whether every thread of pid is stopped. SIGSTOP wakes one thread to start the group stop; until it
 * gets a core, the others keep serving (a loaded machine relayed a publish 70 ms after the signal).
 */
function allThreadsStopped(pid: number): boolean {
  return readdirSync(`/proc/${pid}/task`).every((tid) => /^\d+ \(.*\) [Tt] /.test(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
}

/** Freezes a server like a stalled host (SIGSTOP); resolves once the kernel shows every thread stopped. */
export async function freezeProcess(pid: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  await waitFor(() => allThreadsStopped(pid), 5000, 2);
}
