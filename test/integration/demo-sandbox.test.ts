/**
 * The demo's procedures sandbox against the demo's own simulated VPS: the stand-in compose acting
 * on docker-lite through its Engine API, and the container procedures run end to end on the
 * sandbox exactly as `titan-tui demo` configures them (code rollback: test/e2e/demo-sandbox.test.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoSandbox, type DemoSandbox } from '../../sim/demo-sandbox.js';
import { type DemoVps, startDemoVps } from '../../sim/demo-vps.js';
import { demoConfig } from '../../src/cli/demo-command.js';
import { loadConfig } from '../../src/config/load.js';
import { buildProcedure } from '../../src/procedures/catalog.js';
import { ProcedureRunner } from '../../src/procedures/runner.js';
import { commandEnv, procedureSettings } from '../../src/procedures/settings.js';
import type { Procedure, ProcedureId } from '../../src/procedures/types.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { git, gitRepository, type OperatorAnswers, operator, readAudit } from '../fixtures/procedures/harness.js';

let vps: DemoVps;
let sandbox: DemoSandbox;
let rt: Runtime;
let auditDir: string;

const containerNames = () => Object.values(vps.containers);
const idOf = (name: string) => vps.docker.container(name)?.id ?? '';

/**
 * The stand-in as the procedures run it: [process.execPath, compose.mjs, -f FILE, -p titan, ...].
 * Asynchronously: docker-lite answers from this very process.
 */
function compose(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = sandbox.procedures;
  const argv = [...p.composeCommand.slice(1), '-f', p.composeFile, '-p', p.composeProject, ...args];
  return new Promise((resolve) => {
    const child = spawn(p.composeCommand[0] as string, argv, { env: { ...process.env, DOCKER_HOST: `unix://${vps.dockerSocket}` } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs fn with these process environment variables, then puts the old values back. */
function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

function run(id: ProcedureId, answers: OperatorAnswers) {
  const procedure = buildProcedure(id, {}, rt) as Procedure;
  return new ProcedureRunner({
    procedure,
    args: {},
    deps: rt,
    settings: procedureSettings(rt.config, '/nonexistent-cwd'),
    hooks: operator(answers),
    dryRun: false,
    env: sandbox.hostEnv(commandEnv(rt.config)),
  }).run();
}

beforeAll(async () => {
  vps = await startDemoVps({ executionNoisePerSec: 2, serviceNoisePerSec: 0, flakyCrashEveryMs: 3_600_000, brainRandomTripsMs: 0 });
  sandbox = createDemoSandbox(vps);
  auditDir = mkdtempSync(join(tmpdir(), 'titan-demo-audit-'));
  // The demo's own configuration function: the same wiring `titan-tui demo` ships.
  const env = { USER: 'tester', XDG_CONFIG_HOME: join(auditDir, 'config'), XDG_STATE_HOME: join(auditDir, 'state') };
  const base = loadConfig({ env, flags: {} });
  const demo = demoConfig(base, vps, sandbox, env);
  rt = createRuntime(demo);
  rt.start();
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await vps?.stop();
  sandbox?.remove();
  if (auditDir) rmSync(auditDir, { recursive: true, force: true });
}, 30_000);

describe('the demo sandbox', () => {
  it('holds a checkout with its own bare remote, the stand-ins, backups and an env file, all inside one temp folder', () => {
    const p = sandbox.procedures;
    expect(sandbox.dir.startsWith(tmpdir())).toBe(true);
    for (const path of [p.deployDir, p.backupDir, p.envFile, p.composeFile, ...p.deployCommand.slice(0, 1), ...p.restoreCommand]) {
      expect(path.startsWith(`${sandbox.dir}/`), path).toBe(true);
    }
    expect(p.composeCommand).toEqual([process.execPath, join(sandbox.dir, 'bin', 'compose.mjs')]);
    expect(git(sandbox.repo, 'remote', 'get-url', 'origin')).toBe(sandbox.remote);
    expect(git(sandbox.repo, 'rev-parse', 'HEAD')).toBe(git(sandbox.remote, 'rev-parse', 'main'));
    expect(git(sandbox.repo, 'rev-list', '--count', 'HEAD')).toBe('2');
    expect(git(sandbox.repo, 'status', '--porcelain')).toBe('');
    expect(readdirSync(p.backupDir).filter((f) => f.endsWith('.sql.gz'))).toHaveLength(3);
    expect(readFileSync(p.envFile, 'utf8')).toMatch(/^BINANCE_API_KEY=demo-/m);
    expect(sandbox.description).toContain(sandbox.dir);
  });

  it('host commands get no GIT_* variable of the operator, and git none of the host configuration', () => {
    const env = sandbox.hostEnv({ PATH: '/bin', GIT_DIR: '/elsewhere/.git', GIT_WORK_TREE: '/elsewhere' });
    expect(env.GIT_DIR).toBeUndefined();
    expect(env.GIT_WORK_TREE).toBeUndefined();
    expect(env).toMatchObject({ PATH: '/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });
    // Even a checkout that were not a repository could not reach one around the temp folder.
    expect(env.GIT_CEILING_DIRECTORIES).toBe(sandbox.dir);
  });

  it('without git the demo keeps its sandbox, and git run there finds no repository, not even one around it', () => {
    const outer = gitRepository();
    // No git on PATH, and the temporary folder inside another repository.
    const other = withEnv({ PATH: '/nonexistent', TMPDIR: outer.deploy }, () => createDemoSandbox(vps));
    try {
      expect(other.dir.startsWith(`${outer.deploy}/`)).toBe(true);
      expect(other.description).toContain('(no git repo: git is not installed,');
      const probe = spawnSync('git', ['rev-parse', '--show-toplevel'], {
        cwd: other.repo,
        env: other.hostEnv({ PATH: process.env.PATH }),
        encoding: 'utf8',
      });
      expect(probe.status, probe.stdout).not.toBe(0);
      // What the ceiling prevents: plain git finds the repository the temp folder is in.
      expect(git(other.repo, 'rev-parse', '--show-toplevel')).toBe(outer.deploy);
    } finally {
      other.remove();
      rmSync(outer.root, { recursive: true, force: true });
    }
  });

  it('remove() deletes the whole sandbox', () => {
    const other = createDemoSandbox(vps);
    expect(existsSync(other.repo)).toBe(true);
    other.remove();
    other.remove();
    expect(existsSync(other.dir)).toBe(false);
  });
});

describe('the stand-in compose on docker-lite', () => {
  it('answers version, and lists a service container by id like compose ps -q', async () => {
    const v = await compose('version');
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/demo stand-in/);
    const ps = await compose('ps', '-q', 'titan-execution');
    expect(ps.code, ps.stderr).toBe(0);
    expect(ps.stdout.trim()).toBe(idOf('titan-execution'));
    expect((await compose('ps')).stdout).toMatch(/titan-titan-sentinel-1\s+titan-sentinel\s+Up/);
  });

  it('refuses what it does not do, and says so', async () => {
    expect(await compose('build')).toMatchObject({ code: 1, stderr: expect.stringMatching(/knows version, ps, up and down/) });
    expect(await compose('up', 'titan-execution')).toMatchObject({ code: 1, stderr: expect.stringMatching(/only runs detached/) });
    expect(await compose('up', '-d', 'no-such-service')).toMatchObject({ code: 1, stderr: expect.stringMatching(/no such service/) });
  });

  it('up -d --force-recreate gives new containers with a fresh filesystem (the halt file is gone)', async () => {
    const before = idOf('titan-execution');
    vps.docker.container('titan-execution')?.files.writeFile('/app/system.halt', Buffer.from('EMERGENCY test\n'));
    const r = await compose('up', '-d', '--force-recreate', 'titan-execution');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Container titan-execution {2}Recreated/);
    const after = vps.docker.container('titan-execution');
    expect(after?.id).not.toBe(before);
    expect(after?.status).toBe('running');
    expect(after?.files.stat('/app/system.halt')).toBeFalsy();
  });
});

describe('the procedures on the sandbox', () => {
  it('secret rotation: edit the env file, recreate execution and sentinel, verify new healthy containers', async () => {
    const before = [idOf('titan-execution'), idOf('titan-titan-sentinel-1')];
    const state = await run('secret-rotation', { confirm: ['RECREATE'], editorEnv: { EDIT_SET: 'BINANCE_API_KEY=rotated' } });
    expect(state.status, state.summary).toBe('ok');
    expect(state.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(readFileSync(sandbox.procedures.envFile, 'utf8')).toContain('BINANCE_API_KEY=rotated');
    expect(idOf('titan-execution')).not.toBe(before[0]);
    expect(idOf('titan-titan-sentinel-1')).not.toBe(before[1]);
  }, 60_000);

  it('database rollback: restores the chosen stand-in backup with the real script interface', async () => {
    const state = await run('db-rollback', { choose: [null], confirm: [] });
    expect(state.status).toBe('cancelled');
    const newest = readdirSync(sandbox.procedures.backupDir).sort().at(-1) as string;
    const ok = await run('db-rollback', { choose: [newest], confirm: [newest] });
    expect(ok.status, ok.summary).toBe('ok');
    expect(readFileSync(join(sandbox.repo, 'restored-from.txt'), 'utf8').trim()).toBe(newest);
    expect(vps.docker.container('titan-brain')?.status).toBe('running');
    expect(git(sandbox.repo, 'status', '--porcelain')).toBe('');
  }, 60_000);

  it('database credential rotation: compose down, then up -d, and every container of the project runs again', async () => {
    const before = containerNames().map(idOf);
    const state = await run('db-credential-rotation', {
      confirm: ['ROTATE DATABASE CREDENTIALS'],
      editorEnv: { EDIT_SET: 'TITAN_DB_PASSWORD=rotated' },
    });
    expect(state.status, state.summary).toBe('ok');
    for (const name of containerNames()) expect(vps.docker.container(name)?.status, name).toBe('running');
    const kept = containerNames()
      .map(idOf)
      .filter((id) => before.includes(id));
    expect(kept).toEqual([]);
    const actions = readAudit(join(auditDir, 'state', 'titan-tui', 'demo')).map((a) => a.action);
    expect(actions).toContain('run:db-credential-rotation:down');
    expect(actions).toContain('run:db-credential-rotation');
  }, 90_000);
});
