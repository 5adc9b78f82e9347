/** Runbook §2 "Code Rollback": revert the last commit, push it, deploy. */
import { commandLine } from '../host-command.js';
import type { Procedure, RunCtx } from '../types.js';

/** The word that confirms the revert (the catalog's usage shows it). */
export const REVERT_WORD = 'REVERT';

/** No git may ever wait for a password or open an editor: it would hang the step. */
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_EDITOR: 'true' };
const LOG_FORMAT = '--format=commit %H%nAuthor: %an <%ae>%nDate:   %ad%n%n    %s';

const branchOf = (ctx: RunCtx) => ctx.vars.branch ?? '<current branch>';

/** The deploy command, `{sha}` replaced by the revert commit (scripts/ci/deploy.sh <SHA>). */
export function deployArgv(ctx: RunCtx): string[] {
  const sha = ctx.vars.sha ?? '<sha of the revert commit>';
  return ctx.settings.deployCommand.map((a) => a.replaceAll('{sha}', sha));
}

export function codeRollback(): Procedure {
  return {
    id: 'code-rollback',
    title: 'Code rollback',
    summary: 'git revert HEAD, git push origin <branch>, then the deploy command',
    steps: [
      {
        id: 'show-commit',
        label: 'show the commit that will be reverted',
        kind: 'check',
        destructive: false,
        timeoutSec: 60,
        plan: (ctx) => {
          const cwd = ctx.settings.deployDir;
          return [
            { argv: ['git', 'rev-parse', '--abbrev-ref', 'HEAD'], cwd },
            { argv: ['git', 'status', '--porcelain', '--untracked-files=no'], cwd },
            { argv: ['git', 'log', '-1', LOG_FORMAT], cwd },
          ];
        },
        run: async (ctx, io) => {
          const cwd = ctx.settings.deployDir;
          const branch = await io.capture({ argv: ['git', 'rev-parse', '--abbrev-ref', 'HEAD'], cwd, env: GIT_ENV });
          if (!branch.ok) return { ok: false, summary: `${cwd} is not a usable git checkout: ${branch.error}` };
          const name = branch.stdout.trim();
          if (!name || name === 'HEAD')
            return {
              ok: false,
              summary: `HEAD is detached in ${cwd}: check out the deployed branch (e.g. git checkout main) and run again`,
            };
          ctx.vars.branch = name;
          const dirty = await io.capture({ argv: ['git', 'status', '--porcelain', '--untracked-files=no'], cwd, env: GIT_ENV });
          if (!dirty.ok) return { ok: false, summary: dirty.error };
          if (dirty.stdout.trim()) {
            for (const l of dirty.stdout.trim().split('\n').slice(0, 20)) io.line(l);
            return {
              ok: false,
              summary: `uncommitted changes to tracked files in ${cwd}: commit or stash them first (nothing was reverted)`,
            };
          }
          const log = await io.capture({ argv: ['git', 'log', '-1', LOG_FORMAT], cwd, env: GIT_ENV });
          if (!log.ok) return { ok: false, summary: log.error };
          const lines = log.stdout.replace(/\n+$/, '').split('\n');
          for (const l of lines) io.line(l);
          ctx.vars.reverted = (lines[0] ?? '').replace(/^commit /, '');
          ctx.vars.subject = (lines.at(-1) ?? '').trim();
          return { ok: true, summary: `${ctx.vars.reverted.slice(0, 12)} "${ctx.vars.subject}" on ${name}` };
        },
      },
      {
        id: 'revert',
        label: 'git revert HEAD',
        kind: 'command',
        destructive: true,
        timeoutSec: 120,
        confirm: (ctx) => ({
          title: 'CODE ROLLBACK',
          word: REVERT_WORD,
          lines: [
            `revert ${(ctx.vars.reverted ?? 'HEAD').slice(0, 12)} "${ctx.vars.subject ?? ''}" in ${ctx.settings.deployDir}`,
            `push the revert to origin ${branchOf(ctx)}`,
            `deploy: ${commandLine(deployArgv(ctx))}`,
          ],
          warning: 'The revert is pushed to the shared remote and deployed.',
        }),
        plan: () => [],
        command: (ctx) => ({ argv: ['git', 'revert', '--no-edit', 'HEAD'], cwd: ctx.settings.deployDir, env: GIT_ENV }),
        after: async (ctx, io) => {
          const head = await io.capture({ argv: ['git', 'rev-parse', 'HEAD'], cwd: ctx.settings.deployDir, env: GIT_ENV });
          if (!head.ok) return { ok: false, summary: head.error };
          ctx.vars.sha = head.stdout.trim();
          io.line(`new HEAD ${ctx.vars.sha}`);
          return { ok: true, summary: `revert commit ${ctx.vars.sha.slice(0, 12)}` };
        },
        onFailure: 'Nothing was pushed. If git left a revert in progress: git revert --abort.',
      },
      {
        id: 'push',
        label: 'git push origin <branch>',
        kind: 'command',
        destructive: true,
        timeoutSec: 300,
        plan: () => [],
        command: (ctx) => ({ argv: ['git', 'push', 'origin', branchOf(ctx)], cwd: ctx.settings.deployDir, env: GIT_ENV }),
        onFailure:
          'The revert commit exists only locally: fix the push (credentials, a newer remote commit) and push it by hand, or drop it with git reset --hard HEAD~1.',
      },
      {
        id: 'deploy',
        label: 'deploy',
        kind: 'command',
        destructive: true,
        plan: () => [],
        command: (ctx) => ({ argv: deployArgv(ctx), cwd: ctx.settings.deployDir }),
        onFailure: 'The revert is pushed but not deployed: fix the deploy and run it by hand.',
      },
    ],
  };
}
