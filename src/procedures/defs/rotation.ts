/** Runbook §3 "Secret Rotation": exchange keys (recreate two services) and database credentials (full down/up). */
import { basename } from 'node:path';
import { editEnvStep } from '../steps/env-file.js';
import { composeShown, composeStep, recordIdsStep, verifyStep } from '../steps/compose.js';
import { commandLine } from '../host-command.js';
import type { Procedure, ProcedureDeps, RunCtx } from '../types.js';

/** Contract §5: what a recreate of titan-execution loses. */
export const RECREATE_WARNING =
  'Recreating titan-execution wipes /app/system.halt, /app/execution.armed and its local state (titan_execution.redb): ' +
  'it comes back UN-HALTED and DISARMED with no known positions, so a later flatten finds nothing.';

export const DB_ROTATION_PHRASE = 'ROTATE DATABASE CREDENTIALS';
/** The word that confirms recreating execution and sentinel. */
export const RECREATE_WORD = 'RECREATE';

export function secretRotation(deps: ProcedureDeps): Procedure {
  const services = () => [deps.contract.compose.execution, deps.contract.compose.sentinel];
  const exec = deps.contract.containers.execution;
  return {
    id: 'secret-rotation',
    title: 'Secret rotation (exchange keys)',
    summary: `edit the env file, recreate ${services().join(' and ')}, verify they run healthy`,
    warning: RECREATE_WARNING,
    steps: [
      editEnvStep(),
      {
        ...recordIdsStep(services),
        run: async (ctx, io) => {
          const r = await recordIdsStep(services).run?.(ctx, io);
          if (!r?.ok) return r ?? { ok: false, summary: 'internal error' };
          // The warning is concrete when execution is halted right now.
          const halt = await deps.engine.statPath(exec, deps.contract.haltFile.path);
          if (halt.ok && halt.value.present) {
            ctx.vars.halted = 'yes';
            io.line(`${exec} is HALTED now (${deps.contract.haltFile.path} present): the recreate LIFTS that halt`);
          }
          return r;
        },
      },
      composeStep('recreate', `recreate ${services().join(' and ')}`, () => ['up', '-d', '--force-recreate', ...services()], {
        confirm: async (ctx: RunCtx) => ({
          title: 'RECREATE WITH THE NEW SECRETS',
          word: RECREATE_WORD,
          lines: [
            `$ ${commandLine([...(await composeShown(ctx)), 'up', '-d', '--force-recreate', ...services()])}`,
            `changed in ${basename(ctx.settings.envFile)}: ${ctx.vars.changedKeys ?? '?'}`,
            ...(ctx.vars.halted ? [`${exec} is HALTED now: the recreate lifts the halt.`] : []),
          ],
          warning: RECREATE_WARNING,
        }),
        onFailure: 'Check the services with docker compose ps; the env file keeps your edits.',
      }),
      verifyStep(services, true),
    ],
  };
}

export function dbCredentialRotation(): Procedure {
  const warning =
    'DOWNTIME: every service of the compose project stops (compose down) until compose up -d has started them again. ' +
    `${RECREATE_WARNING} Postgres applies a new password only when its data directory is created: change it inside the database too (ALTER USER … PASSWORD …).`;
  return {
    id: 'db-credential-rotation',
    title: 'Database credential rotation',
    summary: 'edit the env file, compose down, compose up -d, verify every service',
    warning,
    steps: [
      editEnvStep(() => ({
        title: 'ROTATE DATABASE CREDENTIALS (DOWNTIME)',
        word: DB_ROTATION_PHRASE,
        lines: [
          '1. edit the env file (new TITAN_DB_PASSWORD)',
          '2. compose down: every service stops',
          '3. compose up -d, then verify every service',
        ],
        warning,
      })),
      composeStep('down', 'compose down (every service stops)', () => ['down'], {
        onFailure: 'Some services may be stopped: run compose up -d by hand.',
      }),
      composeStep('up', 'compose up -d', () => ['up', '-d'], {
        onFailure: 'The system is DOWN: fix the cause (compose logs) and run compose up -d.',
      }),
      verifyStep(() => [], false),
    ],
  };
}
