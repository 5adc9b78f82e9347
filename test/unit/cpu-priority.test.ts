/**
 * The cockpit's raised CPU priority (src/services/cpu-priority.ts), on the real kernel: the UI
 * thread and the session group go up when permitted, the log worker and the procedures' commands
 * run at the normal value, and everything is put back. Without the permission nothing changes.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { TITAN_PROFILE } from '../../src/contract/profiles.js';
import { atNormalPriority, RAISE_STEP, raiseUiPriority, restoreUiPriority } from '../../src/services/cpu-priority.js';
import { LogPane } from '../../src/services/log-pane.js';
import { LogWorkerHost } from '../../src/services/logs/host.js';
import { runHostCommand } from '../../src/procedures/host-command.js';
import { waitFor } from '../helpers/ports.js';

const AUTOGROUP = '/proc/self/autogroup';
const groupNice = () => (existsSync(AUTOGROUP) ? Number(/ nice (-?\d+)/.exec(readFileSync(AUTOGROUP, 'utf8'))?.[1]) : null);
/** Each thread of this process: its name and nice value (/proc/self/task/TID/stat, field 19). */
const threads = () =>
  new Map(
    readdirSync('/proc/self/task').flatMap((tid) => {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return [[tid, { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), nice: Number(f[16]) }] as const];
      } catch {
        return [];
      }
    }),
  );
const permitted = process.getuid?.() === 0;

let host: LogWorkerHost | null = null;
afterEach(async () => {
  restoreUiPriority();
  await host?.stop();
  host = null;
});

describe.runIf(permitted)('raised CPU priority (root)', () => {
  it('lowers the UI thread and session group by RAISE_STEP, and puts both back', () => {
    const nice = getPriority();
    const group = groupNice();
    const r = raiseUiPriority();
    expect(r.raised).toBe(true);
    expect(getPriority()).toBe(Math.max(-20, nice - RAISE_STEP));
    if (group !== null) expect(groupNice()).toBe(Math.max(-20, group - RAISE_STEP));
    expect(atNormalPriority(() => getPriority())).toBe(nice);
    expect(getPriority()).toBe(Math.max(-20, nice - RAISE_STEP));
    restoreUiPriority();
    expect(getPriority()).toBe(nice);
    expect(groupNice()).toBe(group);
  });

  it('the log worker started while raised runs at the normal value', async () => {
    const nice = getPriority();
    const before = new Set(threads().keys());
    raiseUiPriority();
    host = new LogWorkerHost(
      { engine: { socketPath: '/nonexistent/docker.sock' }, patterns: TITAN_PROFILE.logPatterns, ringLines: 50, tail: 10, flushMs: 50 },
      () => undefined,
    );
    const pane = new LogPane(host, () => undefined, { ringLines: 50, serviceOf: () => 'execution' });
    let size = 0;
    pane.subscribe(() => {
      size = pane.window?.size ?? 0;
    });
    pane.setView({ rows: 5, width: 80, wrap: false, endSeq: null, filter: '' });
    pane.inject({ bytes: Buffer.from('one line\n') });
    await waitFor(() => size === 1, 20_000);
    const started = [...threads()].filter(([tid, t]) => !before.has(tid) && t.name === 'WorkerThread');
    expect(started.length).toBe(1);
    expect(started[0]?.[1].nice).toBe(nice);
  });

  it("a procedure's command runs at the normal value, in a session of its own", async () => {
    const nice = getPriority();
    raiseUiPriority();
    const r = await runHostCommand(
      { argv: ['sh', '-c', 'cut -d" " -f19 /proc/self/stat; cat /proc/self/autogroup'], cwd: '/' },
      { signal: new AbortController().signal, env: { PATH: process.env.PATH }, capture: true, timeoutMs: 10_000 },
    );
    // Ran to its end (without a time limit it was stopped at once, and now and then before its second line).
    expect(r, JSON.stringify(r)).toMatchObject({ ended: 'exit', exitCode: 0 });
    const [childNice, childGroup] = r.stdout.trim().split('\n');
    expect(Number(childNice)).toBe(nice);
    if (groupNice() !== null) expect(childGroup).toMatch(/ nice 0$/);
  });
});

describe.skipIf(permitted)('raised CPU priority (not permitted)', () => {
  it('says why and changes nothing', () => {
    const nice = getPriority();
    const group = groupNice();
    const r = raiseUiPriority();
    expect(r.raised).toBe(false);
    expect(r.detail).toMatch(/needs root or CAP_SYS_NICE/);
    expect(getPriority()).toBe(nice);
    expect(groupNice()).toBe(group);
  });
});

// The child of a raised thread inherits its value until lowered: the test above would pass for the
// wrong reason if spawn itself reset it. This shows it does not.
describe.runIf(permitted)('what the lowering undoes', () => {
  it('a child spawned by a raised thread inherits the raised value', async () => {
    raiseUiPriority();
    const raised = getPriority();
    const out = await new Promise<string>((resolve) => {
      const c = spawn('sh', ['-c', 'cut -d" " -f19 /proc/self/stat'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let s = '';
      c.stdout.on('data', (d) => {
        s += d;
      });
      c.on('close', () => resolve(s));
    });
    expect(Number(out.trim())).toBe(raised);
  });
});
