import { spawn } from 'node:child_process';
import { atNormalPriority } from '../services/cpu-priority.js';
import { childEnv } from './child-env.js';
import type { EditResult } from './types.js';

/** $EDITOR (then $VISUAL, then vi) as an argument array: split on spaces, never given to a shell. */
export function editorArgv(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = (env.EDITOR || env.VISUAL || 'vi').trim();
  return value.split(/\s+/).filter(Boolean);
}

/**
 * Runs the editor on the file with the terminal handed over (stdio inherited, same process
 * group so it gets the terminal's keys and signals). Resolves when it exits. By default it gets
 * the allowlisted environment (child-env.ts), not the cockpit's secrets.
 */
export function spawnEditor(path: string, env: NodeJS.ProcessEnv = childEnv()): Promise<EditResult> {
  const argv = editorArgv(env);
  const [cmd, ...rest] = argv as [string, ...string[]];
  return new Promise((resolve) => {
    const child = atNormalPriority(() => spawn(cmd, [...rest, path], { stdio: 'inherit', env }));
    child.once('error', (e) => {
      const code = (e as NodeJS.ErrnoException).code;
      resolve({ ok: false, error: `editor ${cmd} could not start${code === 'ENOENT' ? ': not found (set $EDITOR)' : `: ${e.message}`}` });
    });
    child.once('exit', (code, sig) => {
      if (code === 0) resolve({ ok: true });
      else resolve({ ok: false, error: `editor ${cmd} ended with ${sig ? `signal ${sig}` : `exit code ${code}`}: nothing is applied` });
    });
  });
}
