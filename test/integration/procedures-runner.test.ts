/**
 * The procedure runner with real processes: prompts answered when asked, the first failure
 * stops the run, cancel escalates SIGINT → SIGTERM → SIGKILL to the process group, deadlines,
 * bounded sanitized output, dry-run, and one audit record per step.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcedureRunner } from '../../src/procedures/runner.js';
import { procedureSettings } from '../../src/procedures/settings.js';
import type { Procedure, ProcedureId, Step } from '../../src/procedures/types.js';
import { deployDir, operator } from '../fixtures/procedures/harness.js';
import { type OfflineRuntime, offlineRuntime } from '../helpers/offline-runtime.js';
import { waitFor } from '../helpers/ports.js';

const runtimes: OfflineRuntime[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.cleanup()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setup(scripts: string[] = []) {
  const dir = deployDir(scripts);
  dirs.push(dir);
  const off = offlineRuntime({ operator: 'tester', 'procedures-deploy-dir': dir });
  runtimes.push(off);
  return { dir, off, settings: procedureSettings(off.rt.config) };
}

const cmd = (id: string, argv: string[], extra: Partial<Step> = {}): Step => ({
  id,
  label: id,
  kind: 'command',
  destructive: false,
  plan: () => [],
  command: (ctx) => ({ argv, cwd: ctx.settings.deployDir }),
  ...extra,
});

const proc = (steps: Step[]): Procedure => ({ id: 'test' as ProcedureId, title: 'Test procedure', summary: 'test', steps });

function runner(s: ReturnType<typeof setup>, steps: Step[], opts: { dryRun?: boolean; hooks?: ReturnType<typeof operator> } = {}) {
  return new ProcedureRunner({
    procedure: proc(steps),
    args: {},
    deps: s.off.rt,
    settings: s.settings,
    hooks: opts.hooks ?? operator(),
    dryRun: opts.dryRun ?? false,
    env: { PATH: process.env.PATH },
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('procedure runner', () => {
  it('a prompting script gets each answer when it asks, not before', async () => {
    const s = setup(['ask.sh']);
    const r = runner(s, [
      cmd('ask', ['./scripts/ask.sh'], {
        command: (ctx) => ({
          argv: ['./scripts/ask.sh'],
          cwd: ctx.settings.deployDir,
          answers: [
            { expect: 'Which colour?', answer: 'green' },
            { expect: '[y/N]', answer: 'y' },
          ],
        }),
      }),
    ]);
    const state = await r.run();
    expect(state.status, state.summary).toBe('ok');
    expect(readFileSync(join(s.dir, 'answers.txt'), 'utf8').trim()).toBe('colour=green sure=y');
    expect(existsSync(join(s.dir, 'asked-early.txt'))).toBe(false);
    const out = state.steps[0]?.output ?? [];
    expect(out).toContain('Which colour? ');
    expect(out.some((l) => l.includes('answered "green" to "Which colour?"'))).toBe(true);
  });

  it('a silent `read -p` prompt (stdin is a pipe) is answered when the script waits on its input', async () => {
    const s = setup(['restore-db.sh', 'backup-db.sh']);
    const { execFileSync } = await import('node:child_process');
    execFileSync('./scripts/backup-db.sh', { cwd: s.dir, env: { PATH: process.env.PATH, TITAN_TEST_STAMP: '20260101_000000' } });
    const r = runner(s, [
      cmd('restore', [], {
        command: (ctx) => ({
          argv: ['./scripts/restore-db.sh'],
          cwd: ctx.settings.deployDir,
          answers: [
            { expect: 'Enter backup filename to restore', answer: 'titan_brain_20260101_000000.sql.gz' },
            { expect: 'Are you sure? (y/N)', answer: 'y' },
          ],
        }),
      }),
    ]);
    const state = await r.run();
    expect(state.status, state.summary).toBe('ok');
    expect(readFileSync(join(s.dir, 'restored-from.txt'), 'utf8').trim()).toBe('titan_brain_20260101_000000.sql.gz');
    expect(readFileSync(join(s.dir, 'restored.sql'), 'utf8')).toContain('-- dump 20260101_000000');
    expect(existsSync(join(s.dir, 'restore-early.txt'))).toBe(false);
    expect(state.steps[0]?.output.filter((l) => l.includes('it was waiting for input'))).toHaveLength(2);
  });

  it('"Restore cancelled." fails the step even though restore-db.sh exits 0 on a refusal', async () => {
    const s = setup(['restore-db.sh', 'backup-db.sh']);
    const { execFileSync } = await import('node:child_process');
    execFileSync('./scripts/backup-db.sh', { cwd: s.dir, env: { PATH: process.env.PATH, TITAN_TEST_STAMP: '20260101_000000' } });
    const state = await runner(s, [
      cmd('restore', [], {
        command: (ctx) => ({
          argv: ['./scripts/restore-db.sh'],
          cwd: ctx.settings.deployDir,
          answers: [
            { expect: 'Enter backup filename to restore', answer: 'titan_brain_20260101_000000.sql.gz' },
            { expect: 'Are you sure? (y/N)', answer: 'n' },
          ],
          failOn: [{ text: 'Restore cancelled.', why: 'the restore command says "Restore cancelled."' }],
        }),
      }),
    ]).run();
    expect(state.status).toBe('failed');
    expect(state.steps[0]).toMatchObject({ exitCode: 0, summary: 'the restore command says "Restore cancelled."' });
    expect(existsSync(join(s.dir, 'restored-from.txt'))).toBe(false);
  });

  it('the first failing step stops the procedure, says why, and later steps are skipped', async () => {
    const s = setup();
    const r = runner(s, [
      cmd('one', ['sh', '-c', 'echo first']),
      cmd('two', ['sh', '-c', 'echo "disk full" >&2; exit 3'], { onFailure: 'Nothing was changed.' }),
      cmd('three', ['sh', '-c', 'touch three.txt']),
    ]);
    const state = await r.run();
    expect(state.status).toBe('failed');
    expect(state.summary).toBe('step 2 (two) failed: exit code 3. Nothing was changed.');
    expect(state.steps.map((x) => x.status)).toEqual(['ok', 'failed', 'skipped']);
    expect(state.steps[1]).toMatchObject({ exitCode: 3, summary: 'exit code 3' });
    expect(state.steps[1]?.output).toContain('disk full');
    expect(state.steps[1]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(existsSync(join(s.dir, 'three.txt'))).toBe(false);
    // Every step is audited, the skipped one too, then the run.
    const audit = s.off.auditEntries();
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ['run:test:one', 'VERIFIED'],
      ['run:test:two', 'FAILED'],
      ['run:test:three', 'CANCELLED'],
      ['run:test', 'FAILED'],
    ]);
    expect(audit[1]?.error).toBe('exit code 3');
    expect(audit[1]?.targets[0]).toMatch(/^\$ sh -c 'echo "disk full" >&2; exit 3' +\(in \/tmp\//);
  });

  it('a command that cannot start fails with a readable reason', async () => {
    const s = setup();
    const state = await runner(s, [cmd('missing', ['./scripts/nope.sh'])]).run();
    expect(state.status).toBe('failed');
    expect(state.summary).toMatch(/\.\/scripts\/nope\.sh: not found/);
  });

  it('cancel in the middle of `sleep 30`: the step ends cancelled within seconds, later steps are skipped', async () => {
    const s = setup();
    const r = runner(s, [cmd('sleep', ['sleep', '30']), cmd('after', ['touch', 'after.txt'])]);
    const done = r.run();
    await waitFor(() => r.store.getState().steps[0]?.status === 'running', 5000);
    await new Promise((res) => setTimeout(res, 300));
    const t0 = Date.now();
    r.cancel();
    const state = await done;
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(state.status).toBe('cancelled');
    expect(state.steps.map((x) => x.status)).toEqual(['cancelled', 'skipped']);
    expect(state.steps[0]?.output.some((l) => l.includes('SIGINT'))).toBe(true);
    expect(existsSync(join(s.dir, 'after.txt'))).toBe(false);
    expect(s.off.auditEntries().at(-1)).toMatchObject({ action: 'run:test', outcome: 'CANCELLED' });
  });

  it('a script that traps SIGINT handles it and exits; the step is cancelled', async () => {
    const s = setup(['trap-int.sh']);
    const r = runner(s, [cmd('long', ['./scripts/trap-int.sh'])]);
    const done = r.run();
    await waitFor(() => r.store.getState().steps[0]?.output.includes('working…'), 5000);
    const t0 = Date.now();
    r.cancel();
    const state = await done;
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(state.steps[0]).toMatchObject({ status: 'cancelled', exitCode: 130 });
    expect(readFileSync(join(s.dir, 'interrupted.txt'), 'utf8').trim()).toBe('got SIGINT');
    expect(existsSync(join(s.dir, 'finished.txt'))).toBe(false);
  });

  it('a script that ignores SIGINT and SIGTERM is SIGKILLed with its whole process group', async () => {
    const s = setup(['ignore-signals.sh']);
    const r = runner(s, [cmd('stubborn', ['./scripts/ignore-signals.sh'])]);
    const done = r.run();
    await waitFor(() => r.store.getState().steps[0]?.output.includes('stubborn'), 5000);
    const child = Number(readFileSync(join(s.dir, 'child-pid.txt'), 'utf8').split(' ')[1]);
    expect(alive(child)).toBe(true);
    const t0 = Date.now();
    r.cancel();
    const state = await done;
    const took = Date.now() - t0;
    expect(took).toBeGreaterThan(5500);
    expect(took).toBeLessThan(9000);
    const out = state.steps[0]?.output.join('\n') ?? '';
    expect(out).toMatch(/sending SIGINT/);
    expect(out).toMatch(/still running after 3 s: sending SIGTERM/);
    expect(out).toMatch(/still running after 3 s: sending SIGKILL/);
    expect(state.steps[0]?.status).toBe('cancelled');
    await waitFor(() => !alive(child), 2000);
  }, 20_000);

  it('a step over its deadline is stopped and fails with the reason', async () => {
    const s = setup();
    const state = await runner(s, [cmd('slow', ['sleep', '30'], { timeoutSec: 1 }), cmd('next', ['true'])]).run();
    expect(state.status).toBe('failed');
    expect(state.steps[0]?.summary).toBe('timed out after 1 s (stopped)');
    expect(state.steps[1]?.status).toBe('skipped');
  });

  it('output is sanitized like logs and bounded to the last 500 lines per step', async () => {
    const s = setup();
    const script =
      'printf "\\033]52;c;aGFjaw==\\007\\033[2Jclean \\033[31mred\\033[0m\\n"; i=0; while [ $i -lt 1200 ]; do echo "line $i"; i=$((i+1)); done';
    const state = await runner(s, [cmd('noisy', ['bash', '-c', script])]).run();
    const step = state.steps[0];
    expect(step?.output).toHaveLength(500);
    // 1 command line + 1 escape line + 1200 lines, 500 kept.
    expect(step?.dropped).toBe(702);
    expect(step?.output.at(-1)).toBe('line 1199');
    const s2 = setup();
    const st2 = await runner(s2, [
      cmd('esc', ['bash', '-c', 'printf "\\033]52;c;aGFjaw==\\007\\033[2Jclean \\033[31mred\\033[0m\\n"']),
    ]).run();
    expect(st2.steps[0]?.output[1]).toBe('clean \x1b[31mred\x1b[0m');
  });

  it('a typed confirmation guards its step: a wrong word runs nothing and is recorded', async () => {
    const s = setup();
    const hooks = operator({ confirm: ['revert'] });
    const state = await runner(
      s,
      [cmd('danger', ['touch', 'danger.txt'], { destructive: true, confirm: () => ({ title: 'DANGER', lines: [], word: 'REVERT' }) })],
      { hooks },
    ).run();
    expect(state.status).toBe('cancelled');
    expect(state.steps[0]).toMatchObject({
      status: 'cancelled',
      summary: 'not confirmed: expected exactly "REVERT"',
      confirmation: 'revert',
    });
    expect(existsSync(join(s.dir, 'danger.txt'))).toBe(false);
    expect(s.off.auditEntries()[0]).toMatchObject({ action: 'run:test:danger', outcome: 'CANCELLED', confirmation: 'revert' });
  });

  it('dry-run lists every command with its directory and runs none', async () => {
    const s = setup();
    const hooks = operator();
    const state = await runner(
      s,
      [cmd('a', ['touch', 'a.txt']), cmd('b', ['sh', '-c', 'touch b.txt'], { confirm: () => ({ title: 'B', lines: [], word: 'GO' }) })],
      { dryRun: true, hooks },
    ).run();
    expect(state.status).toBe('ok');
    expect(state.summary).toMatch(/nothing was executed/);
    expect(state.steps[0]?.plan).toEqual([`$ touch a.txt    (in ${s.dir})`]);
    expect(state.steps[1]?.plan).toEqual([`$ sh -c 'touch b.txt'    (in ${s.dir})`, 'asks to type "GO" first']);
    expect(existsSync(join(s.dir, 'a.txt')) || existsSync(join(s.dir, 'b.txt'))).toBe(false);
    expect(hooks.asked.confirm).toHaveLength(0);
    expect(s.off.auditEntries()).toHaveLength(0);
  });
});
