/**
 * Runs one host command for a procedure step: an argument array (never a shell string) in its
 * own process group, output streamed as sanitized lines, prompts answered on stdin when they
 * are asked, a deadline, and a cancel that escalates SIGINT → SIGTERM → SIGKILL to the group.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { atNormalPriority } from '../services/cpu-priority.js';
import { LineSplitter } from '../services/logs/sanitize.js';
import { stdinPipeOf, waitingOnStdin } from './stdin-wait.js';
import type { CommandResult, CommandSpec } from './types.js';

/** Between SIGINT and SIGTERM, and between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 3000;
/** How long to keep reading output after the command exited (a background child may hold the pipe). */
const DRAIN_MS = 1000;
const STDIN_POLL_MS = 200;
const WINDOW = 8192;
const CAPTURE_MAX = 64 * 1024;

export interface HostCommandOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Aborting cancels the command. */
  signal: AbortSignal;
  /** Output lines (sanitized) and notes about what we did (answers, signals). */
  onLine?: (text: string, source: 'stdout' | 'stderr' | 'note') => void;
  /** Keep stdout (up to 64 KiB) for the caller. */
  capture?: boolean;
  graceMs?: number;
}

export type HostCommandResult = CommandResult & { stdout: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** For display only: how the command would be typed in a shell. */
export function quoteArg(a: string): string {
  return /^[\w@%+=:,./{}<>-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}
export const commandLine = (argv: string[]): string => argv.map(quoteArg).join(' ');

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // Already gone.
  }
}

/** SIGINT, then SIGTERM after the grace period, then SIGKILL: each only while the group lives. */
async function stopGroup(pgid: number, graceMs: number, note: (t: string) => void): Promise<void> {
  const steps: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGKILL'];
  for (const [i, sig] of steps.entries()) {
    if (!groupAlive(pgid)) return;
    note(i === 0 ? `sending ${sig} to the command's process group` : `still running after ${graceMs / 1000} s: sending ${sig}`);
    signalGroup(pgid, sig);
    if (sig === 'SIGKILL') return;
    const until = Date.now() + graceMs;
    while (groupAlive(pgid) && Date.now() < until) await sleep(50);
  }
}

function startProblem(spec: CommandSpec): string | null {
  if (spec.argv.length === 0 || !spec.argv[0]) return 'empty command';
  if (!existsSync(spec.cwd) || !statSync(spec.cwd).isDirectory()) return `directory ${spec.cwd} does not exist`;
  return null;
}

function spawnError(spec: CommandSpec, e: NodeJS.ErrnoException): string {
  const cmd = spec.argv[0];
  if (e.code === 'ENOENT') return `${cmd}: not found (in ${spec.cwd}; check the path and PATH)`;
  if (e.code === 'EACCES') return `${cmd}: permission denied (is it executable? chmod +x)`;
  return `${cmd} could not start: ${e.message}`;
}

export function runHostCommand(spec: CommandSpec, opts: HostCommandOptions): Promise<HostCommandResult> {
  const started = Date.now();
  const note = (t: string) => opts.onLine?.(t, 'note');
  const problem = startProblem(spec);
  if (problem) return Promise.resolve({ ended: 'spawn-error', exitCode: null, signal: null, error: problem, durationMs: 0, stdout: '' });
  if (opts.signal.aborted) return Promise.resolve({ ended: 'cancelled', exitCode: null, signal: null, durationMs: 0, stdout: '' });

  const answers = spec.answers ?? [];
  // At the normal priority, in a session of its own (src/services/cpu-priority.ts).
  const child = atNormalPriority(() =>
    spawn(spec.argv[0] as string, spec.argv.slice(1), {
      cwd: spec.cwd,
      env: { ...opts.env, ...spec.env },
      // Own process group: a cancel reaches the command's children too, never the cockpit.
      detached: true,
      // No answers: stdin is /dev/null, so an unexpected question ends with EOF instead of hanging.
      stdio: [answers.length ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    }),
  );

  return new Promise<HostCommandResult>((resolve) => {
    let ended: CommandResult['ended'] = 'exit';
    let failed: string | undefined;
    let stdout = '';
    let outputSeq = 0;
    let next = 0;
    let recent = '';
    let failWindow = '';
    let stopping: Promise<void> | null = null;
    let stdinPipe: string | null = null;
    let waitingSeen = 0;
    let waitingSeq = -1;
    const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
    const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };

    const emitLines = (source: 'stdout' | 'stderr', lines: string[]) => {
      for (const l of lines) opts.onLine?.(l, source);
    };
    const flushPartial = () => {
      for (const s of ['stdout', 'stderr'] as const) emitLines(s, splitters[s].flush());
    };

    const answer = (how: string) => {
      const a = answers[next];
      if (!a || !child.stdin || child.stdin.destroyed) return;
      // Close the prompt's line (it has no newline) so the answer reads next to its question.
      flushPartial();
      child.stdin.write(`${a.answer}\n`);
      note(`answered ${JSON.stringify(a.answer)} to "${a.expect}"${how}`);
      next++;
      recent = '';
      waitingSeen = 0;
      // After the last answer: EOF, so a further question ends instead of waiting forever.
      if (next >= answers.length) child.stdin.end();
    };

    const onData = (source: 'stdout' | 'stderr') => (chunk: Buffer) => {
      outputSeq++;
      emitLines(source, splitters[source].push(chunk));
      const text = decoders[source].decode(chunk, { stream: true });
      if (opts.capture && source === 'stdout' && stdout.length < CAPTURE_MAX) stdout += text.slice(0, CAPTURE_MAX - stdout.length);
      if (spec.failOn && !failed) {
        failWindow = (failWindow + text).slice(-WINDOW);
        failed = spec.failOn.find((f) => failWindow.includes(f.text))?.why;
      }
      if (next < answers.length) {
        recent = (recent + text).slice(-WINDOW);
        if (recent.includes((answers[next] as { expect: string }).expect)) answer('');
      }
    };
    child.stdout?.on('data', onData('stdout'));
    child.stderr?.on('data', onData('stderr'));
    child.stdin?.on('error', () => undefined); // EPIPE when it exited before reading: the exit code tells.

    // A silent question (bash `read -p` on a pipe): answer when it sleeps reading our pipe,
    // seen twice in a row with no output in between.
    const poll =
      answers.length && child.pid !== undefined
        ? setInterval(() => {
            if (next >= answers.length || child.pid === undefined) return;
            stdinPipe ??= stdinPipeOf(child.pid);
            if (!stdinPipe) return;
            if (!waitingOnStdin(child.pid, stdinPipe)) {
              waitingSeen = 0;
              return;
            }
            waitingSeen = waitingSeq === outputSeq ? waitingSeen + 1 : 1;
            waitingSeq = outputSeq;
            if (waitingSeen >= 2) answer(' (it was waiting for input: its prompt is not printed when stdin is not a terminal)');
          }, STDIN_POLL_MS)
        : null;

    const stop = (why: 'cancelled' | 'timeout') => {
      if (stopping || child.pid === undefined) return;
      ended = why;
      if (why === 'timeout') note(`timed out after ${Math.round(opts.timeoutMs / 1000)} s`);
      stopping = stopGroup(child.pid, opts.graceMs ?? KILL_GRACE_MS, note);
    };
    const onAbort = () => stop('cancelled');
    opts.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);

    let spawnFailure: string | undefined;
    child.once('error', (e) => {
      spawnFailure = spawnError(spec, e as NodeJS.ErrnoException);
    });

    const closed = new Promise((r) => child.once('close', r));
    child.once('exit', async (code, sig) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      opts.signal.removeEventListener('abort', onAbort);
      // Let the escalation finish so nothing of the group survives a cancel.
      if (stopping) await stopping;
      // Drain what is still buffered; do not wait for a background child holding the pipe.
      await Promise.race([closed, sleep(DRAIN_MS)]);
      child.stdout?.destroy();
      child.stderr?.destroy();
      flushPartial();
      resolve({ ended, exitCode: code, signal: sig, failed, durationMs: Date.now() - started, stdout });
    });
    if (child.pid === undefined) {
      // spawn failed synchronously (ENOENT, EACCES): 'error' fires, 'exit' never does.
      child.once('error', () => {
        clearTimeout(timer);
        if (poll) clearInterval(poll);
        opts.signal.removeEventListener('abort', onAbort);
        resolve({ ended: 'spawn-error', exitCode: null, signal: null, error: spawnFailure, durationMs: Date.now() - started, stdout: '' });
      });
    }
  });
}

/** Operator-readable verdict of a finished command (null when it succeeded). */
export function commandFailure(r: CommandResult, timeoutSec: number): string | null {
  if (r.ended === 'spawn-error') return r.error ?? 'could not start';
  if (r.ended === 'cancelled') return 'cancelled by the operator';
  if (r.ended === 'timeout') return `timed out after ${timeoutSec} s (stopped)`;
  if (r.signal) return `killed by ${r.signal}`;
  if (r.exitCode !== 0) return `exit code ${r.exitCode}`;
  if (r.failed) return r.failed;
  return null;
}
