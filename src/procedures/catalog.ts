/** Every procedure the cockpit offers, with what it needs from the operator. */
import { codeRollback, REVERT_WORD } from './defs/code-rollback.js';
import { crashRecovery } from './defs/crash-recovery.js';
import { dbRollback } from './defs/db-rollback.js';
import { DB_ROTATION_PHRASE, dbCredentialRotation, RECREATE_WORD, secretRotation } from './defs/rotation.js';
import { PROCEDURE_IDS, type Procedure, type ProcedureArgs, type ProcedureDeps, type ProcedureId } from './types.js';

export interface ProcedureInfo {
  id: ProcedureId;
  title: string;
  /** Runbook section it implements. */
  runbook: string;
  /** Command-line form. */
  usage: string;
  /** Asks for a service (crash recovery). */
  needsService: boolean;
}

export const PROCEDURES: Record<ProcedureId, ProcedureInfo> = {
  'crash-recovery': {
    id: 'crash-recovery',
    title: 'Crash recovery: logs, restart, health',
    runbook: '§1 System Crash Recovery',
    usage: 'crash-recovery <execution|brain|container> [--confirm <container name>]',
    needsService: true,
  },
  'code-rollback': {
    id: 'code-rollback',
    title: 'Code rollback: revert HEAD, push, deploy',
    runbook: '§2 Code Rollback',
    usage: `code-rollback [--confirm ${REVERT_WORD}]`,
    needsService: false,
  },
  'db-rollback': {
    id: 'db-rollback',
    title: 'Database rollback: restore a backup',
    runbook: '§2 Database Rollback',
    usage: 'db-rollback [--backup FILE] [--confirm FILE]',
    needsService: false,
  },
  'secret-rotation': {
    id: 'secret-rotation',
    title: 'Secret rotation: exchange keys, recreate execution + sentinel',
    runbook: '§3 Rotating API Keys',
    usage: `secret-rotation [--confirm ${RECREATE_WORD}]`,
    needsService: false,
  },
  'db-credential-rotation': {
    id: 'db-credential-rotation',
    title: 'Database credential rotation: full down/up (downtime)',
    runbook: '§3 Rotating Database Credentials',
    usage: `db-credential-rotation [--confirm '${DB_ROTATION_PHRASE}']`,
    needsService: false,
  },
};

export const isProcedureId = (s: string): s is ProcedureId => (PROCEDURE_IDS as readonly string[]).includes(s);

/** Builds the steps of a procedure, or says which argument is missing. */
export function buildProcedure(id: ProcedureId, args: ProcedureArgs, deps: ProcedureDeps): Procedure | { error: string } {
  switch (id) {
    case 'crash-recovery':
      return crashRecovery(args, deps);
    case 'code-rollback':
      return codeRollback();
    case 'db-rollback':
      return dbRollback(args, deps);
    case 'secret-rotation':
      return secretRotation(deps);
    case 'db-credential-rotation':
      return dbCredentialRotation();
  }
}

/** How many typed confirmations a run asks, in order (the CLI needs one --confirm each without a terminal). */
export const confirmationCount = (p: Procedure): number => p.steps.filter((s) => s.confirm).length;
