import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunCommandIO, runCommand } from '../../src/cli/run-command.js';
import { loadConfig } from '../../src/config/load.js';
import { buildProcedure } from '../../src/procedures/catalog.js';
import { ProcedureRunner } from '../../src/procedures/runner.js';
import { procedureSettings } from '../../src/procedures/settings.js';
import type { Procedure } from '../../src/procedures/types.js';
import { GIT_ENV, git, gitRepository, operator, readAudit } from '../fixtures/procedures/harness.js';
import { type OfflineRuntime, offlineRuntime, UNREACHABLE } from '../helpers/offline-runtime.js';

const dirs: string[] = [];
const runtimes: OfflineRuntime[] = [];
afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.cleanup()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function repository() {
  const repo = gitRepository();
  dirs.push(repo.root);
  return repo;
}

function setup(repo: { deploy: string }) {
  const off = offlineRuntime({
    operator: 'tester',
    'procedures-deploy-dir': repo.deploy,
    'procedures-deploy-command': JSON.stringify(['./scripts/deploy.sh', '{sha}']),
  });
  runtimes.push(off);
  return { off, settings: procedureSettings(off.rt.config) };
}

function rollback(s: ReturnType<typeof setup>, opts: { confirm?: string[]; env?: Record<string, string>; dryRun?: boolean } = {}) {
  const procedure = buildProcedure('code-rollback', {}, s.off.rt) as Procedure;
  const hooks = operator({ confirm: opts.confirm ?? ['REVERT'] });
  const runner = new ProcedureRunner({
    procedure,
    args: {},
    deps: s.off.rt,
    settings: s.settings,
    hooks,
    dryRun: opts.dryRun ?? false,
    env: { ...GIT_ENV, ...opts.env },
  });
  return { runner, hooks };
}

describe('code rollback', () => {
  it('shows the commit, reverts it after REVERT, pushes the revert and deploys it', async () => {
    const repo = repository();
    const s = setup(repo);
    const { runner, hooks } = rollback(s);
    const state = await runner.run();
    expect(state.status, state.summary).toBe('ok');
    expect(state.steps.map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    // What will be reverted is shown before the confirmation, and the confirmation says it.
    expect(state.steps[0]?.output).toContain(`commit ${repo.bad}`);
    expect(state.steps[0]?.output).toContain('    bad change');
    expect(hooks.asked.confirm).toHaveLength(1);
    expect(hooks.asked.confirm[0]).toMatchObject({ word: 'REVERT' });
    expect(hooks.asked.confirm[0]?.lines[0]).toBe(`revert ${repo.bad.slice(0, 12)} "bad change" in ${repo.deploy}`);
    // The remote has the revert commit on top of the bad one.
    const remoteHead = git(repo.remote, 'rev-parse', 'main');
    expect(git(repo.remote, 'log', '-1', '--format=%s', 'main')).toBe('Revert "bad change"');
    expect(git(repo.remote, 'rev-parse', 'main~1')).toBe(repo.bad);
    expect(readFileSync(join(repo.deploy, 'app.txt'), 'utf8')).toBe('good\n');
    // The deploy ran on the revert commit, with {sha} replaced.
    expect(readFileSync(join(repo.deploy, 'deployed.txt'), 'utf8').trim()).toBe(`${remoteHead} ${remoteHead}`);
    expect(state.steps[2]?.plan).toEqual([`$ git push origin main    (in ${repo.deploy})`]);
    const audit = s.off.auditEntries();
    expect(audit.map((a) => a.action)).toEqual([
      'run:code-rollback:show-commit',
      'run:code-rollback:revert',
      'run:code-rollback:push',
      'run:code-rollback:deploy',
      'run:code-rollback',
    ]);
    expect(audit[1]).toMatchObject({ confirmation: 'REVERT', outcome: 'VERIFIED', operator: 'tester' });
  });

  it('a failing deploy stops the procedure with its exit code and output shown', async () => {
    const repo = repository();
    const s = setup(repo);
    const state = await rollback(s, { env: { DEPLOY_EXIT: '7' } }).runner.run();
    expect(state.status).toBe('failed');
    expect(state.steps.map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'failed']);
    expect(state.steps[3]).toMatchObject({ exitCode: 7, summary: 'exit code 7' });
    expect(state.steps[3]?.output).toContain('deploy failed: health check did not pass');
    expect(state.summary).toBe(
      'step 4 (deploy) failed: exit code 7. The revert is pushed but not deployed: fix the deploy and run it by hand.',
    );
    expect(existsSync(join(repo.deploy, 'deployed.txt'))).toBe(false);
  });

  it('a wrong confirmation reverts nothing', async () => {
    const repo = repository();
    const s = setup(repo);
    const state = await rollback(s, { confirm: ['revert'] }).runner.run();
    expect(state.status).toBe('cancelled');
    expect(state.steps.map((x) => x.status)).toEqual(['ok', 'cancelled', 'skipped', 'skipped']);
    expect(git(repo.deploy, 'rev-parse', 'HEAD')).toBe(repo.bad);
    expect(git(repo.remote, 'rev-parse', 'main')).toBe(repo.bad);
  });

  it('a detached HEAD stops before anything changes', async () => {
    const repo = repository();
    git(repo.deploy, 'checkout', '-q', '--detach');
    const state = await rollback(setup(repo)).runner.run();
    expect(state.status).toBe('failed');
    expect(state.summary).toMatch(/HEAD is detached/);
    expect(git(repo.remote, 'rev-parse', 'main')).toBe(repo.bad);
  });

  it('dry-run lists every command with its directory and changes nothing', async () => {
    const repo = repository();
    const s = setup(repo);
    const { runner, hooks } = rollback(s, { dryRun: true });
    const state = await runner.run();
    expect(state.status).toBe('ok');
    const plan = state.steps.flatMap((x) => x.plan);
    const d = repo.deploy;
    expect(plan).toEqual([
      `$ git rev-parse --abbrev-ref HEAD    (in ${d})`,
      `$ git status --porcelain --untracked-files=no    (in ${d})`,
      `$ git log -1 '--format=commit %H%nAuthor: %an <%ae>%nDate:   %ad%n%n    %s'    (in ${d})`,
      `$ git revert --no-edit HEAD    (in ${d})`,
      'asks to type "REVERT" first',
      `$ git push origin '<current branch>'    (in ${d})`,
      `$ ./scripts/deploy.sh '<sha of the revert commit>'    (in ${d})`,
    ]);
    expect(hooks.asked.confirm).toHaveLength(0);
    expect(git(d, 'rev-parse', 'HEAD')).toBe(repo.bad);
    expect(git(repo.remote, 'rev-parse', 'main')).toBe(repo.bad);
    expect(git(d, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(d, 'deployed.txt'))).toBe(false);
  });
});

describe('titan-tui run (command line)', () => {
  function cli(repo: { deploy: string }, auditDir: string, tty?: { word: string; typed: string; sent?: boolean }) {
    const loaded = loadConfig({
      env: {},
      defaultConfigFile: join(auditDir, 'none.json'),
      flags: {
        operator: 'tester',
        'nats-servers': UNREACHABLE.nats,
        'docker-host': UNREACHABLE.docker,
        'brain-url': UNREACHABLE.http,
        'execution-url': UNREACHABLE.http,
        'audit-dir': auditDir,
        'procedures-deploy-dir': repo.deploy,
        'procedures-deploy-command': JSON.stringify(['./scripts/deploy.sh', '{sha}']),
      },
    });
    const runWith =
      (stdin?: PassThrough & { isTTY: boolean }, answers: Array<{ when: string; text: string; sent?: boolean }> = []) =>
      async (...argv: string[]) => {
        const stdout = new PassThrough();
        const stderr = new PassThrough();
        let out = '';
        let err = '';
        stdout.on('data', (c) => (out += c));
        stderr.on('data', (c) => (err += c));
        const io: RunCommandIO = { stdout, stderr, stdin: new PassThrough(), env: GIT_ENV, onInterrupt: () => () => undefined };
        if (tty) {
          // A terminal: the operator types the word when the question appears.
          const stdin = Object.assign(new PassThrough(), { isTTY: true });
          stderr.on('data', () => {
            if (err.includes(`Type ${tty.word} to confirm`) && !tty.sent) {
              tty.sent = true;
              stdin.write(`${tty.typed}\n`);
            }
          });
          io.stdin = stdin;
        }
        if (stdin) {
          io.stdin = stdin;
          stderr.on('data', () => {
            const next = answers.find((a) => !a.sent);
            if (next && err.includes(next.when)) {
              next.sent = true;
              setImmediate(() => stdin.write(`${next.text}\n`));
            }
          });
        }
        const code = await runCommand(loaded, ['run', ...argv], io);
        return { code, out, err };
      };
    return Object.assign(runWith(), { withStdin: runWith });
  }

  it('exit 2 without --confirm, 3 with a wrong word, 0 when confirmed; output per step', async () => {
    const repo = repository();
    const auditDir = mkdtempSync(join(tmpdir(), 'titan-audit-'));
    dirs.push(auditDir);
    const run = cli(repo, auditDir);

    const missing = await run('code-rollback');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/code-rollback needs 1 --confirm value \(got 0\)/);
    expect(readAudit(auditDir)).toHaveLength(0);

    const wrong = await run('code-rollback', '--confirm', 'revert');
    expect(wrong.code).toBe(3);
    expect(wrong.out).toMatch(/CANCELLED — step 2 \(git revert HEAD\) was cancelled: not confirmed: expected exactly "REVERT"/);
    expect(git(repo.remote, 'rev-parse', 'main')).toBe(repo.bad);

    const ok = await run('code-rollback', '--confirm', 'REVERT');
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(ok.out).toMatch(/\[1\/4\] show the commit that will be reverted/);
    expect(ok.out).toMatch(/│ {5}bad change/);
    expect(ok.out).toMatch(/\[4\/4\] deploy {2}\(changes the system\)\n.*│ \$ \.\/scripts\/deploy\.sh [0-9a-f]{40}/);
    expect(ok.out).toMatch(/OK \(\d+ ms, exit code 0\) — completed$/m);
    expect(ok.out).toMatch(/✔ Code rollback: all 4 steps ok/);
    expect(git(repo.remote, 'log', '-1', '--format=%s', 'main')).toBe('Revert "bad change"');
  });

  it('on a terminal it asks for the typed word', async () => {
    const repo = repository();
    const auditDir = mkdtempSync(join(tmpdir(), 'titan-audit-'));
    dirs.push(auditDir);
    const r = await cli(repo, auditDir, { word: 'REVERT', typed: 'REVERT' })('code-rollback');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/CODE ROLLBACK\n {2}revert [0-9a-f]{12} "bad change"/);
    expect(git(repo.remote, 'log', '-1', '--format=%s', 'main')).toBe('Revert "bad change"');
    const refused = await cli(repository(), auditDir, { word: 'REVERT', typed: 'no' })('code-rollback');
    expect(refused.code).toBe(3);
  });

  it('db-rollback on a terminal: the operator picks a backup by number, then must type its name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'titan-deploy-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'backups'));
    writeFileSync(join(dir, 'backups', 'titan_brain_20260101_000000.sql.gz'), 'old');
    writeFileSync(join(dir, 'backups', 'titan_brain_20260301_000000.sql.gz'), 'new');
    const t = Date.now() / 1000;
    utimesSync(join(dir, 'backups', 'titan_brain_20260101_000000.sql.gz'), t - 3600, t - 3600);
    const run = cli({ deploy: dir }, dir);
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const answers = [
      { when: 'Number or file name', text: '1' },
      { when: 'Type titan_brain_20260301_000000.sql.gz to confirm', text: 'titan_brain_20260101_000000.sql.gz' },
    ];
    const r = await run.withStdin(stdin, answers)('db-rollback');
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/ 1\. titan_brain_20260301_000000\.sql\.gz +3 B +\d+ s old\n +2\. titan_brain_20260101_000000\.sql\.gz/);
    expect(r.out).toMatch(
      /CANCELLED — step 3 \(stop .*\) was cancelled: not confirmed: expected exactly "titan_brain_20260301_000000\.sql\.gz"/,
    );
  });

  it('--dry-run prints the commands and runs none; --json gives the final state', async () => {
    const repo = repository();
    const auditDir = mkdtempSync(join(tmpdir(), 'titan-audit-'));
    dirs.push(auditDir);
    const run = cli(repo, auditDir);
    const dry = await run('code-rollback', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/DRY RUN/);
    expect(dry.out).toContain(`$ git revert --no-edit HEAD    (in ${repo.deploy})`);
    expect(git(repo.remote, 'rev-parse', 'main')).toBe(repo.bad);
    const json = await run('code-rollback', '--dry-run', '--json');
    const state = JSON.parse(json.out);
    expect(state).toMatchObject({ procedureId: 'code-rollback', dryRun: true, status: 'ok' });
    expect(state.steps).toHaveLength(4);
    const bad = await run('nope');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown procedure 'nope'/);
  });
});
