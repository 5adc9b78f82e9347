import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcedureSession } from '../../src/procedures/session.js';
import { ProceduresScreen } from '../../src/screens/ProceduresScreen.js';
import { fixture, GIT_ENV, git, gitRepository } from '../fixtures/procedures/harness.js';
import { type MountedCockpit, mountCockpit } from '../helpers/cockpit.js';
import { type InkHarness, KEY, renderInk } from '../helpers/ink-harness.js';
import { type OfflineRuntime, offlineRuntime } from '../helpers/offline-runtime.js';

let ink: InkHarness | undefined;
let off: OfflineRuntime | undefined;
let session: ProcedureSession | undefined;
let cockpit: MountedCockpit | undefined;
const dirs: string[] = [];
afterEach(async () => {
  session?.dispose();
  ink?.unmount();
  await off?.cleanup();
  await cockpit?.cleanup();
  cockpit = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repository() {
  const repo = gitRepository(['deployed.txt', '.env']);
  dirs.push(repo.root);
  return repo;
}

/**
 * The whole cockpit as it ships (src/cli/compose-cockpit.ts: one input router, the procedures
 * session, arming in the store), on the Procedures screen (P), optionally armed (a, ARM, Enter).
 */
async function mount(flags: Record<string, string>, opts: { env?: NodeJS.ProcessEnv; armed?: boolean } = {}) {
  cockpit = mountCockpit({
    columns: 110,
    rows: 34,
    flags: { operator: 'tester', ...flags },
    sandbox: { description: '', env: opts.env ?? GIT_ENV },
  });
  const c = cockpit;
  // A real stream calls write's callback; Ink waits for it when it resumes after suspendTerminal.
  const write = c.stdout.write;
  c.stdout.write = ((data: string, cb?: unknown) => {
    const r = write(data);
    if (typeof cb === 'function') cb();
    return r;
  }) as typeof write;
  if (opts.armed !== false) {
    await c.press('a');
    await c.waitForText('ARM THE COCKPIT');
    await c.press('ARM\r');
    await c.waitForFrame((p) => /ARMED \d+s/.test(p), 5000, 'ARMED');
  }
  await c.press('P');
  await c.waitForText('crash-recovery');
  return { ink: c, session: c.controller.procedures as ProcedureSession, off: c.off };
}

describe('Procedures screen', () => {
  it('lists the procedures; p shows a dry run of the selected one and runs nothing; Esc goes back to the list', async () => {
    const repo = repository();
    const m = await mount({ 'procedures-deploy-dir': repo.deploy }, { armed: false });
    await m.ink.press(KEY.down);
    await m.ink.press('p');
    const plain = await m.ink.waitForText('DRY RUN');
    expect(plain).toContain('Code rollback (DRY RUN: nothing is executed)');
    expect(plain).toMatch(/dry run: 4 steps listed, nothing was executed/);
    await m.ink.press(KEY.tab);
    await m.ink.waitForText(`$ git revert --no-edit HEAD    (in ${repo.deploy})`);
    expect(git(repo.remote, 'rev-parse', 'main')).toBe(repo.bad);
    // Esc closes the dry run and stays on the procedures screen, at the list.
    await m.ink.press(KEY.escape);
    const back = await m.ink.waitForFrame((p) => !p.includes('DRY RUN') && p.includes('code-rollback'), 5000, 'the list again');
    expect(back).toContain('Procedures — runbook checklists');
    expect(m.ink.controller.ui.getState().screen).toBe('procedures');
  });

  it('Enter runs code rollback; a wrong word is refused; REVERT runs it to ALL OK', async () => {
    const repo = repository();
    const m = await mount({ 'procedures-deploy-dir': repo.deploy, 'procedures-deploy-command': JSON.stringify(['./scripts/deploy.sh']) });
    await m.ink.press(KEY.down);
    await m.ink.press(KEY.enter);
    let plain = await m.ink.waitForText('Type REVERT to confirm');
    expect(plain).toContain(`revert ${repo.bad.slice(0, 12)} "bad change"`);
    await m.ink.type('REVERX');
    await m.ink.press(KEY.enter);
    await m.ink.waitForText('Value must be exactly REVERT');
    expect(git(repo.remote, 'rev-parse', 'main')).toBe(repo.bad);
    await m.ink.type('REVERT');
    await m.ink.press(KEY.enter);
    plain = await m.ink.waitForText('ALL OK', 10_000);
    expect(plain).toMatch(/✔ +1\. show the commit that will be reverted +OK/);
    expect(plain).toMatch(/✔ +4\. deploy +OK/);
    expect(git(repo.remote, 'log', '-1', '--format=%s', 'main')).toBe('Revert "bad change"');
    expect(existsSync(join(repo.deploy, 'deployed.txt'))).toBe(true);
    expect(m.off.auditEntries().find((a) => a.action === 'run:code-rollback:revert')?.confirmation).toBe('REVERT');
  });

  it('x then y cancels a running step; later steps are skipped', async () => {
    const repo = repository();
    const m = await mount({ 'procedures-deploy-dir': repo.deploy, 'procedures-deploy-command': JSON.stringify(['sleep', '30']) });
    await m.ink.press(KEY.down);
    await m.ink.press(KEY.enter);
    await m.ink.waitForText('Type REVERT to confirm');
    await m.ink.type('REVERT');
    await m.ink.press(KEY.enter);
    await m.ink.waitForFrame((p) => /▶ +4\. deploy +RUNNING/.test(p), 10_000, 'deploy running');
    await m.ink.press('x');
    await m.ink.waitForText('Cancel the running procedure?');
    await m.ink.press('y');
    const plain = await m.ink.waitForText('CANCELLED', 5000);
    expect(plain).toMatch(/■ +4\. deploy +CANCELLED/);
    expect(m.session.run.getState().status).toBe('cancelled');
  });

  it('in the demo, one line says the procedures act on a sandbox, cut to fit 80 columns', async () => {
    const line =
      'demo: procedures touch only the sandbox /tmp/titan-demo-sandbox-AbC123 ' +
      '(git repo with its own bare remote, stand-in deploy/restore/compose, the simulated engine), nothing else on this host';
    off = offlineRuntime({ operator: 'tester' });
    session = new ProcedureSession({ deps: off.rt, readOnly: false, sandbox: line });
    ink = renderInk(<ProceduresScreen session={session} height={20} width={80} />, { columns: 80, rows: 20 });
    const plain = await ink.waitForText('demo: procedures touch only the sandbox');
    const rows = plain.split('\n');
    const row = rows.find((l) => l.startsWith('demo: ')) ?? '';
    // What matters fits: the procedures touch only the sandbox, and where it is.
    expect(row).toContain('touch only the sandbox /tmp/titan-demo-sandbox-AbC123 (');
    expect(row.trimEnd()).toHaveLength(80);
    expect(row.trimEnd().endsWith('…')).toBe(true);
    // Right under the title, and the list of procedures is still whole.
    expect(rows.indexOf(row)).toBe(rows.findIndex((l) => l.startsWith('Procedures — ')) + 1);
    expect(plain).toContain('db-credential-rotation');
  });

  it('secret rotation opens $EDITOR with the terminal handed over and shows changed key names only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'titan-deploy-'));
    dirs.push(dir);
    writeFileSync(join(dir, '.env'), 'BINANCE_API_KEY=old-value-1\nOTHER=1\n');
    const log = join(dir, 'editor.log');
    const saved = { EDITOR: process.env.EDITOR };
    // The editor gets an allowlisted environment (procedures/child-env.ts): the fixture's settings go
    // through `env` in $EDITOR itself, as an operator's EDITOR="code --wait" carries its arguments.
    Object.assign(process.env, { EDITOR: `env EDIT_SET=BINANCE_API_KEY=new-value-2 EDIT_LOG=${log} ${fixture('edit-env.sh')}` });
    try {
      // No compose is reachable: the run fails right after the edit, which is what this test looks at.
      const m = await mount({ 'procedures-deploy-dir': dir, 'procedures-compose-command': JSON.stringify(['false']) });
      for (let i = 0; i < 3; i++) await m.ink.press(KEY.down);
      await m.ink.press(KEY.enter);
      const plain = await m.ink.waitForText('FAILED', 10_000);
      expect(readFileSync(log, 'utf8').trim()).toBe(join(dir, '.env'));
      expect(readFileSync(join(dir, '.env'), 'utf8')).toContain('BINANCE_API_KEY=new-value-2');
      expect(plain).toMatch(/✔ +1\. edit the environment file +OK.*changed: BINANCE_API_KEY/);
      expect(plain).toContain('WARNING: Recreating titan-execution wipes /app/system.halt');
      expect(plain).not.toMatch(/old-value-1|new-value-2/);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('SAFE: the refusal says press a; a and ? work on this screen (one router); Esc from help comes back here', async () => {
    const repo = repository();
    const m = await mount({ 'procedures-deploy-dir': repo.deploy }, { armed: false });
    await m.ink.press(KEY.down);
    await m.ink.press(KEY.enter);
    await m.ink.waitForText('SAFE mode: press a and type ARM first');
    await m.ink.press('?');
    await m.ink.waitForFrame((p) => /Help/.test(p) && !p.includes('Procedures —'), 5000, 'help');
    await m.ink.press(KEY.escape);
    await m.ink.waitForText('Procedures — runbook checklists');
    await m.ink.press('a');
    await m.ink.waitForText('ARM THE COCKPIT');
    await m.ink.press('ARM\r');
    await m.ink.waitForFrame((p) => /ARMED \d+s/.test(p) && p.includes('Procedures —'), 5000, 'armed, still on procedures');
    // d is disarm on every screen (the dry run is p): no key means two things.
    await m.ink.press('d');
    await m.ink.waitForFrame((p) => /SAFE/.test(p) && !/ARMED \d+s/.test(p), 5000, 'disarmed');
    expect(m.ink.controller.ui.getState().screen).toBe('procedures');
  });

  it('a confirmation word pasted in one write (REVERT + Enter) is taken key by key, like the action prompts', async () => {
    const repo = repository();
    const m = await mount({ 'procedures-deploy-dir': repo.deploy, 'procedures-deploy-command': JSON.stringify(['./scripts/deploy.sh']) });
    await m.ink.press(KEY.down);
    await m.ink.press(KEY.enter);
    await m.ink.waitForText('Type REVERT to confirm');
    await m.ink.press('REVERT\r');
    await m.ink.waitForText('ALL OK', 10_000);
    expect(git(repo.remote, 'log', '-1', '--format=%s', 'main')).toBe('Revert "bad change"');
  });

  it("the footer lists this screen's keys, not the dashboard's", async () => {
    const m = await mount({}, { armed: false });
    const footer = (await m.ink.waitForText('dry run')).split('\n').at(-1) ?? '';
    expect(footer).toMatch(/enter run/);
    expect(footer).toMatch(/p dry run/);
    expect(footer).toMatch(/! STOP/);
    expect(footer).not.toMatch(/tab pane|\/ filter|f follow/);
  });
});

describe('Procedures screen at 80x24', () => {
  it('the REVERT confirmation shows whole (plan lines wrap, nothing drawn over)', async () => {
    const repo = repository();
    cockpit = mountCockpit({
      columns: 80,
      rows: 24,
      flags: { operator: 'tester', 'procedures-deploy-dir': repo.deploy },
      sandbox: { description: '', env: GIT_ENV },
    });
    const c = cockpit;
    await c.press('a');
    await c.waitForText('ARM THE COCKPIT');
    await c.press('ARM\r');
    await c.press('P');
    await c.waitForText('code-rollback');
    await c.press(KEY.down);
    await c.press(KEY.enter);
    const plain = await c.waitForText('Type REVERT to confirm');
    expect(plain).toContain(`revert ${repo.bad.slice(0, 12)}`);
    expect(plain).not.toMatch(/changes the systemchanges the system/);
    for (const l of plain.split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
    expect(plain.split('\n')).toHaveLength(24);
  });
});
