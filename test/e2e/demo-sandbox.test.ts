/**
 * `titan-tui demo` started inside a git repository that has a remote, driven in tmux like an
 * operator: its procedures act on the demo's own sandbox, and the folder the demo was started
 * from, its repository and its remote are left exactly as they were.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, gitRepository } from '../fixtures/procedures/harness.js';
import { TmuxSession } from '../helpers/tmux.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const done of cleanup.splice(0).reverse()) done();
});

describe('the demo procedures sandbox', () => {
  it('code rollback reverts and pushes inside the sandbox; the current repository and its remote are untouched', async () => {
    const repo = gitRepository();
    const home = mkdtempSync(join(tmpdir(), 'titan-demo-home-'));
    cleanup.push(
      () => rmSync(repo.root, { recursive: true, force: true }),
      () => rmSync(home, { recursive: true, force: true }),
    );
    // The real user's config and audit stay out of it.
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      USER: 'tester',
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_STATE_HOME: join(home, 'state'),
    };
    // Wide enough for the whole sandbox line (the run's TMPDIR may be long).
    const t = new TmuxSession(['demo'], env, 240, 50, repo.deploy);
    cleanup.push(() => t.kill());
    await t.waitFor((s) => /DOCKER●/.test(s) && /titan-execution\s+running/.test(s), 30_000);

    // Arm on the cockpit (on the Procedures screen every key belongs to that screen).
    t.send('a');
    await t.waitForText('ARM THE COCKPIT');
    t.send('ARM');
    t.key('Enter');
    await t.waitForText(/ARMED \d+s/);
    t.send('P');
    const screen = await t.waitForText(/demo: procedures touch only the sandbox \S+ \(/);
    const sandbox = /touch only the sandbox (\S+) \(/.exec(screen)?.[1] ?? '';
    expect(existsSync(join(sandbox, 'titan', '.git'))).toBe(true);
    expect(sandbox.startsWith(repo.root)).toBe(false);

    t.key('Down');
    t.key('Enter');
    const confirm = await t.waitForText('Type REVERT to confirm', 15_000);
    // The plan lines wrap inside the box (a path is read whole): join the box's rows to read them.
    const box = confirm
      .split('\n')
      .filter((l) => l.startsWith('║'))
      .map((l) => l.replace(/^║ ?/, '').replace(/ *║$/, ''))
      .join('');
    expect(box).toContain(`in ${sandbox}/titan`);
    expect(confirm).not.toContain(repo.deploy);
    t.send('REVERT');
    t.key('Enter');
    const done = await t.waitForText(/ALL OK|FAILED/, 20_000);
    expect(done).toMatch(/Code rollback\s+ALL OK/);
    // It did act, on the sandbox's own remote.
    expect(git(join(sandbox, 'remote.git'), 'log', '-1', '--format=%s', 'main')).toMatch(/^Revert "/);

    // Esc closes the finished run (back to the procedure list), a second Esc leaves the screen.
    t.key('Escape');
    await t.waitFor((x) => x.includes('Procedures — runbook checklists') && !x.includes('ALL OK'));
    t.key('Escape');
    // Back on the cockpit before q (Esc and q in one read would be Alt+q).
    await t.waitForText('┌ Containers');
    t.send('q');
    await t.waitForText(/quit anyway\?|EXITED/);
    if (!/EXITED/.test(t.screen())) t.send('y');
    expect(await t.waitForText(/EXITED \d+/, 15_000)).toMatch(/EXITED 0/);

    expect(existsSync(sandbox)).toBe(false);
    expect(git(repo.deploy, 'rev-parse', 'HEAD')).toBe(repo.bad);
    expect(git(repo.remote, 'rev-parse', 'main')).toBe(repo.bad);
    expect(git(repo.deploy, 'status', '--porcelain')).toBe('');
    // The demo's audit, apart from the real one.
    const audit = readFileSync(join(home, 'state', 'titan-tui', 'demo', 'audit.jsonl'), 'utf8');
    expect(audit).toContain('"run:code-rollback:revert"');
    expect(existsSync(join(home, 'state', 'titan-tui', 'audit.jsonl'))).toBe(false);
  }, 120_000);
});
