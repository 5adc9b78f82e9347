/**
 * The README's first command on a fresh clone, as a new user runs it: the system Node (20 on these
 * machines) first on PATH, nothing prepared. `npm install` must bring Node 24 into node_modules/.bin,
 * and `npm run demo` must reach the cockpit, and start without rebuilding the second time.
 * (The README's second command, `npm test` on a fresh clone, is what CI runs: .ci/run.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/docker.js';
import { TmuxSession } from '../helpers/tmux.js';

/** PATH as a new user has it: no node_modules/.bin of this project, the system's Node first. */
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');
const sessions: TmuxSession[] = [];
afterAll(() => {
  for (const s of sessions) s.kill();
});

describe('a fresh clone', () => {
  it('npm install && npm run demo work with the system Node first on PATH; a current build is not rebuilt', async () => {
    const dir = join(tmpdir(), 'fresh');
    mkdirSync(dir, { recursive: true });
    const clone = join(dir, 'titan-tui');
    execFileSync('git', ['clone', '--quiet', PROJECT_ROOT, clone]);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: SYSTEM_PATH, npm_config_yes: 'true' };
    for (const k of Object.keys(env)) if (k.startsWith('npm_') && k !== 'npm_config_yes') delete env[k];

    const systemNode = spawnSync('node', ['--version'], { env, encoding: 'utf8' }).stdout.trim();
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: clone, env, encoding: 'utf8', timeout: 400_000 });
    expect(install.status, `npm install failed:\n${install.stdout}\n${install.stderr}`).toBe(0);
    const localNode = spawnSync(join(clone, 'node_modules/.bin/node'), ['--version'], { encoding: 'utf8' }).stdout.trim();
    expect(localNode).toMatch(/^v24\./);
    console.log(`system node ${systemNode}; node_modules/.bin/node ${localNode}`);

    const home = join(dir, 'home');
    const tuiEnv = { PATH: SYSTEM_PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state') };
    for (const round of ['first', 'second'] as const) {
      const started = Date.now();
      const s = new TmuxSession([], tuiEnv, 120, 34, clone, ['npm', 'run', 'demo']);
      sessions.push(s);
      await s.waitForText(/TITAN /, 60_000);
      const firstFrame = Date.now() - started;
      await s.waitForText('titan-execution', 60_000);
      await s.waitForText(/NATS●/, 20_000);
      console.log(`npm run demo (${round}): first frame after ${firstFrame} ms, containers listed after ${Date.now() - started} ms`);
      s.send('q');
      const after = await s.waitForText(/EXITED \d+/, 15_000);
      expect(after).toMatch(/EXITED 0/);
      // A current build is used as it is: the second launch never runs tsc or the bundler.
      if (round === 'second') expect(after).not.toMatch(/tsc|bundle\.mjs/);
      s.kill();
    }
  }, 600_000);
});
