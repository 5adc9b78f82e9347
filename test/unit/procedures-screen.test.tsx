import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useInput } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcedureSession } from '../../src/procedures/session.js';
import { ProceduresScreen } from '../../src/screens/ProceduresScreen.js';
import { fixture, GIT_ENV, git, gitRepository } from '../fixtures/procedures/harness.js';
import { type InkHarness, KEY, renderInk } from '../helpers/ink-harness.js';
import { type OfflineRuntime, offlineRuntime } from '../helpers/offline-runtime.js';

let ink: InkHarness | undefined;
let off: OfflineRuntime | undefined;
let session: ProcedureSession | undefined;
const dirs: string[] = [];
afterEach(async () => {
  session?.dispose();
  ink?.unmount();
  await off?.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repository() {
  const repo = gitRepository(['deployed.txt', '.env']);
  dirs.push(repo.root);
  return repo;
}

/** What the cockpit's controller does on this screen: every key goes to the session first. */
function Wired({ session: s }: { session: ProcedureSession }) {
  useInput((input, key) => {
    s.onKey(input, key);
  });
  return <ProceduresScreen session={s} height={30} width={110} />;
}

function mount(flags: Record<string, string>, env: NodeJS.ProcessEnv = GIT_ENV) {
  off = offlineRuntime({ operator: 'tester', ...flags });
  const s = new ProcedureSession({ deps: off.rt, readOnly: false, env });
  session = s;
  ink = renderInk(<Wired session={s} />, { columns: 110, rows: 30 });
  // A real stream calls write's callback; Ink waits for it when it resumes after suspendTerminal.
  const write = ink.stdout.write;
  ink.stdout.write = ((data: string, cb?: unknown) => {
    const r = write(data);
    if (typeof cb === 'function') cb();
    return r;
  }) as typeof write;
  return { ink, session: s, off };
}

describe('Procedures screen', () => {
  it('lists the procedures; d shows a dry run of the selected one and runs nothing', async () => {
    const repo = repository();
    const m = mount({ 'procedures-deploy-dir': repo.deploy });
    await m.ink.waitForText('crash-recovery');
    await m.ink.press(KEY.down);
    await m.ink.press('d');
    const plain = await m.ink.waitForText('DRY RUN');
    expect(plain).toContain('Code rollback (DRY RUN: nothing is executed)');
    expect(plain).toMatch(/dry run: 4 steps listed, nothing was executed/);
    await m.ink.press(KEY.tab);
    await m.ink.waitForText(`$ git revert --no-edit HEAD    (in ${repo.deploy})`);
    expect(git(repo.remote, 'rev-parse', 'main')).toBe(repo.bad);
  });

  it('Enter runs code rollback; a wrong word is refused; REVERT runs it to ALL OK', async () => {
    const repo = repository();
    const m = mount({ 'procedures-deploy-dir': repo.deploy, 'procedures-deploy-command': JSON.stringify(['./scripts/deploy.sh']) });
    await m.ink.press(KEY.down);
    await m.ink.press(KEY.enter);
    let plain = await m.ink.waitForText('Type REVERT to confirm');
    expect(plain).toContain(`revert ${repo.bad.slice(0, 12)} "bad change"`);
    expect(plain).toMatch(/✔ +1\. show the commit that will be reverted +OK/);
    await m.ink.type('REVERX');
    await m.ink.press(KEY.enter);
    await m.ink.waitForText('Value must be exactly REVERT');
    expect(git(repo.remote, 'rev-parse', 'main')).toBe(repo.bad);
    await m.ink.type('REVERT');
    await m.ink.press(KEY.enter);
    plain = await m.ink.waitForText('ALL OK', 10_000);
    expect(plain).toMatch(/✔ +4\. deploy +OK/);
    expect(git(repo.remote, 'log', '-1', '--format=%s', 'main')).toBe('Revert "bad change"');
    expect(existsSync(join(repo.deploy, 'deployed.txt'))).toBe(true);
    expect(m.off.auditEntries().find((a) => a.action === 'run:code-rollback:revert')?.confirmation).toBe('REVERT');
  });

  it('x then y cancels a running step; later steps are skipped', async () => {
    const repo = repository();
    const m = mount({ 'procedures-deploy-dir': repo.deploy, 'procedures-deploy-command': JSON.stringify(['sleep', '30']) });
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
      const m = mount({ 'procedures-deploy-dir': dir, 'procedures-compose-command': JSON.stringify(['false']) });
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
});
