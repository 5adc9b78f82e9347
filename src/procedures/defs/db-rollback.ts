/** Runbook §2 "Database Rollback": stop brain and execution, restore a backup, start them again. */
import { resolve } from 'node:path';
import { visibleControls } from '../../text/safe-text.js';
import { type BackupFile, describeBackup, hasControls, listBackups } from '../backups.js';
import { startContainer, stopAndVerify, waitHealthy } from '../../domain/containers.js';
import { verifyTimeoutMs } from '../steps/compose.js';
import type { Procedure, ProcedureArgs, ProcedureDeps, RunCtx } from '../types.js';

/** The two questions of scripts/restore-db.sh (contract §8), in order. */
export const RESTORE_PROMPTS = {
  file: 'Enter backup filename to restore',
  sure: 'Are you sure? (y/N)',
} as const;

const chosen = (ctx: RunCtx) => ctx.vars.backup ?? ctx.args.backup ?? '<chosen backup>';
/** The chosen name for display: one line, control characters escaped. */
const shown = (ctx: RunCtx) => visibleControls(chosen(ctx));

export function dbRollback(args: ProcedureArgs, deps: ProcedureDeps): Procedure {
  const exec = deps.contract.containers.execution;
  const brain = deps.contract.containers.brain;
  let backups: BackupFile[] = [];
  const stillStopped = `${brain} and ${exec} are still STOPPED: fix the restore, then start them (docker start ${brain} ${exec}).`;
  return {
    id: 'db-rollback',
    title: 'Database rollback',
    summary: 'pick a backup, stop brain and execution, restore it, start them, wait for health',
    warning: `Brain and execution are down from the stop until the restore has finished; the database content is replaced by the backup.`,
    steps: [
      {
        id: 'list-backups',
        label: 'list the backups, newest first',
        kind: 'check',
        destructive: false,
        timeoutSec: 30,
        plan: (ctx) => [`list ${ctx.settings.backupDir}/*.sql.gz newest first, with size and age`],
        run: async (ctx, io) => {
          const dir = ctx.settings.backupDir;
          // restore-db.sh reads ./backups of its working directory, whatever backup-db.sh was told.
          if (resolve(dir) !== resolve(ctx.settings.deployDir, 'backups')) {
            io.line(`note: the restore command runs in ${ctx.settings.deployDir}; the real restore-db.sh only reads ./backups there`);
          }
          const r = listBackups(dir);
          if (!r.ok) return { ok: false, summary: r.error };
          if (r.files.length === 0) return { ok: false, summary: `no *.sql.gz backup in ${dir}` };
          backups = r.files;
          const now = Date.now();
          for (const f of backups) io.line(describeBackup(f, now));
          return { ok: true, summary: `${backups.length} backups; newest ${backups[0]?.display}` };
        },
      },
      {
        id: 'choose-backup',
        label: 'choose the backup to restore',
        kind: 'prompt',
        destructive: false,
        timeoutSec: 24 * 3600,
        plan: () => [args.backup ? `backup: ${visibleControls(args.backup)}` : 'the operator picks one of the listed backups'],
        run: async (ctx, io) => {
          const names = backups.map((b) => b.name);
          let pick = args.backup ?? null;
          if (pick === null) {
            const now = Date.now();
            pick = await io.hooks.choose(
              {
                stepId: 'choose-backup',
                title: 'Which backup to restore?',
                lines: [`${ctx.settings.backupDir}, newest first`],
                options: backups.map((b) => ({ value: b.name, label: describeBackup(b, now) })),
              },
              io.signal,
            );
            if (pick === null) return { ok: false, cancelled: true, summary: 'no backup chosen' };
          }
          if (!names.includes(pick)) return { ok: false, summary: `"${visibleControls(pick)}" is not one of the listed backups` };
          if (hasControls(pick))
            return {
              ok: false,
              summary: `the file name "${visibleControls(pick)}" holds control characters (shown escaped): the restore command cannot be given it; rename the file`,
            };
          ctx.vars.backup = pick;
          io.line(`chosen: ${visibleControls(pick)}`);
          return { ok: true, summary: visibleControls(pick) };
        },
      },
      {
        id: 'stop-services',
        label: `stop ${exec} and ${brain}`,
        kind: 'action',
        destructive: true,
        timeoutSec: 60,
        confirm: (ctx) => ({
          title: 'DATABASE ROLLBACK',
          word: chosen(ctx),
          lines: [
            `1. stop ${exec}, then ${brain}`,
            `2. restore ${shown(ctx)} with ${ctx.settings.restoreCommand.join(' ')} (in ${ctx.settings.deployDir})`,
            `3. start ${brain} and ${exec}, wait until healthy`,
            'Type the backup file name to confirm.',
          ],
          warning: 'The database content is replaced by this backup. Trading stops until the services are back.',
        }),
        plan: () => [`docker stop ${exec}, then docker stop ${brain}; verify both exited    (Docker engine API)`],
        run: async (ctx, io) => {
          // Execution first: no new orders while brain is going away (runbook kill switch order).
          for (const name of [exec, brain]) {
            const v = await stopAndVerify(ctx.deps, name, io.signal, io.line);
            if (!v.ok) return { ok: false, summary: v.detail, cancelled: io.signal.aborted };
          }
          return { ok: true, summary: `${exec} and ${brain} stopped` };
        },
        onFailure: `Check both containers (docker ps -a); start whichever was stopped (docker start ${brain} ${exec}).`,
      },
      {
        id: 'restore',
        label: 'restore the backup',
        kind: 'command',
        destructive: true,
        plan: () => [],
        command: (ctx) => ({
          argv: ctx.settings.restoreCommand,
          cwd: ctx.settings.deployDir,
          answers: [
            { expect: RESTORE_PROMPTS.file, answer: chosen(ctx) },
            { expect: RESTORE_PROMPTS.sure, answer: 'y' },
          ],
          // restore-db.sh exits 0 after "Restore cancelled." (any answer but y).
          failOn: [{ text: 'Restore cancelled.', why: 'the restore command says "Restore cancelled."' }],
        }),
        onFailure: stillStopped,
      },
      {
        id: 'start-services',
        label: `start ${brain} and ${exec}`,
        kind: 'action',
        destructive: true,
        timeoutSec: 60,
        plan: () => [`docker start ${brain}, then docker start ${exec}    (Docker engine API)`],
        run: async (ctx, io) => {
          for (const name of [brain, exec]) {
            const v = await startContainer(ctx.deps, name, io.line);
            if (!v.ok) return { ok: false, summary: v.detail };
          }
          return { ok: true, summary: `${brain} and ${exec} started` };
        },
        onFailure: stillStopped,
      },
      {
        id: 'wait-health',
        label: `wait until ${brain} and ${exec} are healthy`,
        kind: 'check',
        destructive: false,
        plan: (ctx) => [`wait up to ${verifyTimeoutMs(ctx) / 1000} s each: running, healthcheck (or /health) passing`],
        run: async (ctx, io) => {
          const done: string[] = [];
          for (const name of [brain, exec]) {
            const h = await waitHealthy(ctx.deps, name, verifyTimeoutMs(ctx), io.signal, io.line);
            if (!h.ok) return { ok: false, summary: h.detail, cancelled: h.cancelled };
            done.push(h.detail);
          }
          return { ok: true, summary: done.join('; ') };
        },
      },
    ],
  };
}
