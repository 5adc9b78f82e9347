/** Who and where an audit record comes from: one definition for the actions, the procedures and the audit log itself. */
import { hostname } from 'node:os';
import type { AuditEntry } from '../state/types.js';

export function auditIdentity(env: NodeJS.ProcessEnv = process.env): Pick<AuditEntry, 'host' | 'sshClient' | 'tty'> {
  const ssh = env.SSH_CLIENT ?? env.SSH_CONNECTION ?? null;
  let tty: string | null = null;
  try {
    tty = process.stdin.isTTY ? (env.TTY ?? env.SSH_TTY ?? 'tty') : null;
  } catch {
    tty = null;
  }
  return { host: hostname(), sshClient: ssh ? (ssh.split(' ')[0] ?? null) : null, tty };
}
