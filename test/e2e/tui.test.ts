/**
 * bin/titan-tui in tmux against the simulated Titan in real containers, read with capture-pane:
 * what an operator sees and types.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../helpers/docker.js';
import { startTitanStack, type TitanStack } from '../helpers/titan-stack.js';
import { TmuxSession } from '../helpers/tmux.js';

let stack: TitanStack;
const sessions: TmuxSession[] = [];
const open = (args: string[] = [], env: Record<string, string> = {}, cols = 120, rows = 40) => {
  const s = new TmuxSession(args, stack.env(env), cols, rows);
  sessions.push(s);
  return s;
};
const audit = () =>
  (existsSync(join(stack.auditDir, 'audit.jsonl')) ? readFileSync(join(stack.auditDir, 'audit.jsonl'), 'utf8') : '')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { action: string; outcome: string; confirmation: string | null });

beforeAll(async () => {
  stack = await startTitanStack();
}, 120_000);
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});
afterAll(async () => {
  await stack?.stop();
});

describe('the cockpit in tmux', () => {
  it('shows every pane, and the container list matches docker ps', async () => {
    const t = open();
    const screen = await t.waitFor(
      (s) => /DOCKER●/.test(s) && /EXEC●/.test(s) && /BRAIN●/.test(s) && new RegExp(`${stack.names.execution}\\s+running`).test(s),
      20_000,
    );
    for (const title of ['Containers', 'Execution halt', 'Circuit breaker', 'Health', 'Logs']) expect(screen).toContain(title);
    expect(screen).toMatch(/NATS●/);
    expect(screen).toMatch(/DOCKER●/);
    expect(screen).toMatch(/SAFE/);
    const ps = await dockerClient(stack.docker).listContainers({ all: true });
    const watched = ps.map((c) => (c.Names[0] ?? '').replace(/^\//, '')).filter((n) => /^(nats|postgres|redis|traefik|titan-.+)$/.test(n));
    const live = await t.waitFor((s) => watched.every((n) => s.includes(n.slice(0, 20))), 5000);
    for (const n of watched) expect(live).toContain(n.slice(0, 20));
  }, 40_000);

  it('a container stopped outside the cockpit shows as exited within 2 s', async () => {
    const t = open();
    await t.waitFor((s) => new RegExp(`${stack.names.brain}\\S*\\s+running`).test(s), 20_000);
    const d = dockerClient(stack.docker);
    const stoppedAt = Date.now();
    await d.getContainer(stack.names.brain).stop({ t: 1 });
    await t.waitFor((s) => new RegExp(`${stack.names.brain}\\S*\\s+exited`).test(s), 2000 + (Date.now() - stoppedAt));
    expect(Date.now() - stoppedAt).toBeLessThan(4000);
    await d.getContainer(stack.names.brain).start();
    await t.waitFor((s) => new RegExp(`${stack.names.brain}\\S*\\s+running`).test(s), 10_000);
  }, 40_000);

  it('NATS killed: the badge changes, the cockpit stays up, and it comes back by itself', async () => {
    const t = open();
    await t.waitForText('NATS●', 20_000);
    await stack.nats.kill();
    await t.waitFor((s) => /NATS[✕◌]/.test(s) && /✗ NATS halt/.test(s), 10_000);
    await stack.nats.restart();
    await t.waitFor((s) => /NATS●/.test(s) && /✓ NATS halt/.test(s), 20_000);
    expect(t.screen()).not.toMatch(/EXITED/);
  }, 60_000);

  it('the emergency stop from any screen: ! then HALT ends VERIFIED; a wrong word does nothing', async () => {
    const t = open();
    await t.waitFor((s) => /DOCKER●/.test(s) && /EXEC●/.test(s) && /NATS●/.test(s), 20_000);
    t.send('?');
    await t.waitForText('Help');
    t.send('!');
    await t.waitForText('EMERGENCY FULL STOP');
    t.key('Enter'); // no reason
    t.send('halt');
    t.key('Enter');
    await t.waitForText('Value must be exactly HALT');
    expect(audit().some((a) => a.action === 'stop-all')).toBe(false);
    t.send('HALT');
    t.key('Enter');
    await t.waitForText(/STOP-ALL: VERIFIED/, 10_000);
    t.key('Escape'); // back from help to the cockpit
    await t.waitForText('HALTED — halt file present');
    expect(audit().at(-1)).toMatchObject({ action: 'stop-all', outcome: 'VERIFIED', confirmation: 'HALT' });
    // Lift it again for the next tests: arm, then RESUME.
    t.send('a');
    await t.waitForText('ARM THE COCKPIT');
    t.send('ARM');
    t.key('Enter');
    await t.waitForText(/ARMED \d+s/);
    t.send('U');
    await t.waitForText('Type RESUME to confirm');
    t.send('RESUME');
    t.key('Enter');
    await t.waitForText(/RESUME: VERIFIED/, 10_000);
    await t.waitForText('not halted — no halt file');
  }, 60_000);

  it('SAFE mode refuses actions until armed; Esc cancels and is audited', async () => {
    const t = open();
    await t.waitForText(stack.names.execution, 20_000);
    t.send('K');
    await t.waitForText(/SAFE mode: press a and type ARM/);
    t.send('a');
    await t.waitForText('ARM THE COCKPIT');
    t.send('ARM');
    t.key('Enter');
    t.send('K');
    await t.waitForText('Type KILL to confirm');
    t.key('Escape');
    await t.waitForText('KILL SWITCH: cancelled');
    expect(audit().at(-1)).toMatchObject({ action: 'kill', outcome: 'CANCELLED' });
    const ps = await dockerClient(stack.docker).getContainer(stack.names.execution).inspect();
    expect(ps.State.Running).toBe(true);
  }, 40_000);

  it('read-only: no action key does anything, and the header says READ-ONLY', async () => {
    const t = open(['--read-only']);
    await t.waitForText('READ-ONLY', 20_000);
    t.send('!');
    t.send('a');
    await new Promise((r) => setTimeout(r, 500));
    expect(t.screen()).not.toMatch(/EMERGENCY FULL STOP|ARM THE COCKPIT/);
  }, 40_000);

  it('renders in a terminal even when the environment says CI=true (Ink would go non-interactive)', async () => {
    const t = open([], { CI: 'true', CONTINUOUS_INTEGRATION: 'true' });
    await t.waitFor((s) => s.includes('Containers') && /DOCKER●/.test(s), 20_000);
  }, 40_000);

  it('too small, then resized: the layout reflows at once', async () => {
    const t = open([], {}, 50, 12);
    await t.waitForText('too small: need 60×16, have 50×12', 20_000);
    t.resize(84, 24);
    await t.waitForText('Containers', 5000);
    t.resize(200, 50);
    await t.waitFor((s) => s.includes('Circuit breaker') && s.split('\n')[0]!.length > 150, 5000);
  }, 40_000);
});
