import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';

/** $XDG_STATE_HOME/titan-tui/audit.jsonl (or audit.dir from config). */
export function auditPath(config: Config, env: NodeJS.ProcessEnv = process.env): string {
  const dir = config.audit.dir ?? join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'titan-tui');
  return join(dir, 'audit.jsonl');
}
