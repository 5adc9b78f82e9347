/**
 * The container procedures against a real Docker engine: the simulated execution and brain
 * (crash recovery, database rollback with the stand-in restore script) and a real compose file
 * run by docker-compose (secret and database credential rotation).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProcedure } from '../../src/procedures/catalog.js';
import { ProcedureRunner } from '../../src/procedures/runner.js';
import { procedureSettings } from '../../src/procedures/settings.js';
import type { Procedure, ProcedureArgs, ProcedureId, ProcedureSettings } from '../../src/procedures/types.js';
import type { Runtime } from '../../src/runtime.js';
import { deployDir, type OperatorAnswers, operator, readAudit } from '../fixtures/procedures/harness.js';
import { BASE_IMAGE, dockerClient, PROJECT_ROOT } from '../helpers/docker.js';
import { waitFor } from '../helpers/ports.js';
import { SIM_MOUNT } from '../helpers/sim-containers.js';
import { startTitanStack, type TitanStack } from '../helpers/titan-stack.js';

let stack: TitanStack;
let rt: Runtime;
let dir: string;
let settings: ProcedureSettings;
const extraDirs: string[] = [];
const project = `tp${Math.random().toString(36).slice(2, 8)}`;

const ENV_FILE = 'BINANCE_API_KEY=old-key-111\nBINANCE_API_SECRET=old-secret-222\nTITAN_DB_PASSWORD=old-db-333\nOTHER=1\n';

/** Both services like production's (names, uid 1001, /app), on the test image; execution has a healthcheck, sentinel none. */
function composeFile(envFile: string): string {
  const service = (health: boolean) => `
    image: ${BASE_IMAGE}
    network_mode: host
    user: "1001:1001"
    working_dir: /app
    env_file: ${envFile}
    volumes:
      - ${PROJECT_ROOT}:${SIM_MOUNT}:ro
    command: ["sh", "-c", "trap 'exit 0' TERM INT; echo up; while :; do sleep 1; done"]
    stop_grace_period: 2s${
      health
        ? `
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
      timeout: 1s
      retries: 3`
        : ''
    }`;
  return `version: "2.4"\nservices:\n  titan-execution:${service(true)}\n  titan-sentinel:${service(false)}\n`;
}

const compose = (...args: string[]) =>
  execFileSync('docker-compose', ['-f', join(dir, 'docker-compose.yml'), '-p', project, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, DOCKER_HOST: stack.docker.host },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
const ids = (service: string) => compose('ps', '-q', service).split('\n').filter(Boolean);
const envOf = async (id: string) => ((await dockerClient(stack.docker).getContainer(id).inspect()).Config.Env ?? []) as string[];

function run(id: ProcedureId, answers: OperatorAnswers, args: ProcedureArgs = {}, over: Partial<ProcedureSettings> = {}) {
  const procedure = buildProcedure(id, args, rt) as Procedure;
  const hooks = operator(answers);
  const runner = new ProcedureRunner({ procedure, args, deps: rt, settings: { ...settings, ...over }, hooks, dryRun: false });
  return { runner, hooks, done: runner.run() };
}

beforeAll(async () => {
  stack = await startTitanStack();
  dir = deployDir(['restore-db.sh', 'backup-db.sh']);
  writeFileSync(join(dir, '.env'), ENV_FILE);
  writeFileSync(join(dir, 'docker-compose.yml'), composeFile(join(dir, '.env')));
  rt = await stack.runtime({
    'procedures-deploy-dir': dir,
    'procedures-compose-command': JSON.stringify(['docker-compose']),
    'procedures-compose-file': 'docker-compose.yml',
    'procedures-compose-project': project,
  });
  settings = procedureSettings(rt.config);
  compose('up', '-d');
}, 180_000);

afterAll(async () => {
  try {
    if (dir) compose('down', '-t', '1');
  } catch {
    // best effort: the daemon may be gone
  }
  await stack?.stop();
  for (const d of [dir, ...extraDirs]) if (d) rmSync(d, { recursive: true, force: true });
}, 60_000);

describe('crash recovery', () => {
  it('shows the last log lines, restarts after the container name is typed, waits for health', async () => {
    const name = stack.names.execution;
    const before = await rt.engine.inspect(name);
    const { done, hooks } = run('crash-recovery', { confirm: [name] }, { service: 'execution' });
    const state = await done;
    expect(state.status, state.summary).toBe('ok');
    const logs = state.steps[0]?.output ?? [];
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.length).toBeLessThanOrEqual(200);
    expect(hooks.asked.confirm[0]).toMatchObject({ word: name });
    const after = await rt.engine.inspect(name);
    expect(before.ok && after.ok && after.value.startedAt !== before.value.startedAt).toBe(true);
    expect(state.steps[2]?.summary).toBe(`${name} running, healthy`);
    expect(
      readAudit(stack.auditDir)
        .filter((a) => a.action.startsWith('run:crash-recovery:'))
        .map((a) => [a.action, a.outcome, a.confirmation]),
    ).toEqual([
      ['run:crash-recovery:logs', 'VERIFIED', null],
      ['run:crash-recovery:restart', 'VERIFIED', name],
      ['run:crash-recovery:health', 'VERIFIED', null],
    ]);
  });

  it('an unknown container fails at the logs step and restarts nothing', async () => {
    const state = await run('crash-recovery', { confirm: ['titan-nope'] }, { service: 'titan-nope' }).done;
    expect(state.status).toBe('failed');
    expect(state.steps.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(state.summary).toMatch(/cannot read the logs of titan-nope/);
  });
});

describe('database rollback', () => {
  const older = 'titan_brain_20260101_010101.sql.gz';
  const newer = 'titan_brain_20260102_020202.sql.gz';
  beforeAll(() => {
    for (const [stamp, age] of [
      ['20260101_010101', 7200],
      ['20260102_020202', 60],
    ] as const) {
      execFileSync('./scripts/backup-db.sh', { cwd: dir, env: { PATH: process.env.PATH, TITAN_TEST_STAMP: stamp } });
      const t = Date.now() / 1000 - age;
      utimesSync(join(dir, 'backups', `titan_brain_${stamp}.sql.gz`), t, t);
    }
  });

  it('lists backups newest first, stops both services, restores the chosen file answering its prompts, starts them healthy', async () => {
    const { done, hooks } = run('db-rollback', { choose: [older], confirm: [older] });
    const state = await done;
    expect(state.status, state.summary).toBe('ok');
    expect(state.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(hooks.asked.choose[0]?.options.map((o) => o.value)).toEqual([newer, older]);
    expect(hooks.asked.choose[0]?.options[0]?.label).toMatch(/^titan_brain_20260102_020202\.sql\.gz +\d+ B +\d+ s old$/);
    expect(hooks.asked.confirm[0]).toMatchObject({ word: older, title: 'DATABASE ROLLBACK' });
    // The stand-in kept the real script's interface: it restored the chosen file, both answers came when asked.
    expect(readFileSync(join(dir, 'restored-from.txt'), 'utf8').trim()).toBe(older);
    expect(existsSync(join(dir, 'restore-early.txt'))).toBe(false);
    const stop = state.steps[2]?.output.join('\n') ?? '';
    expect(stop).toMatch(new RegExp(`${stack.names.execution}: exited`));
    expect(stop).toMatch(new RegExp(`${stack.names.brain}: exited`));
    for (const name of [stack.names.execution, stack.names.brain]) {
      const c = await rt.engine.inspect(name);
      expect(c.ok && c.value.state).toBe('running');
    }
    expect(readAudit(stack.auditDir).find((a) => a.action === 'run:db-rollback:stop-services')?.confirmation).toBe(older);
  }, 60_000);

  it('a failing restore stops there and says the services are still stopped', async () => {
    // The restore command only reads ./backups of the deployment directory: pointing backupDir
    // elsewhere makes it answer "Error: File … not found." and exit 1.
    const elsewhere = deployDir();
    extraDirs.push(elsewhere);
    mkdirSync(join(elsewhere, 'backups'));
    writeFileSync(join(elsewhere, 'backups', 'titan_brain_20250101_000000.sql.gz'), 'x');
    const { done } = run(
      'db-rollback',
      { choose: ['titan_brain_20250101_000000.sql.gz'], confirm: ['titan_brain_20250101_000000.sql.gz'] },
      {},
      { backupDir: join(elsewhere, 'backups') },
    );
    const state = await done;
    try {
      expect(state.status).toBe('failed');
      expect(state.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'failed', 'skipped', 'skipped']);
      expect(state.steps[0]?.output[0]).toMatch(/only reads \.\/backups there/);
      expect(state.steps[3]).toMatchObject({ exitCode: 1, summary: 'exit code 1' });
      expect(state.steps[3]?.output).toContain('Error: File ./backups/titan_brain_20250101_000000.sql.gz not found.');
      expect(state.summary).toMatch(/still STOPPED/);
      const c = await rt.engine.inspect(stack.names.execution);
      expect(c.ok && c.value.state).toBe('exited');
    } finally {
      await rt.engine.start(stack.names.brain);
      await rt.engine.start(stack.names.execution);
      await waitFor(async () => {
        const c = await rt.engine.inspect(stack.names.execution);
        return c.ok && c.value.health === 'healthy';
      }, 30_000);
    }
  }, 60_000);
});

describe('secret rotation with docker-compose', () => {
  it('an unchanged env file stops the run before anything is recreated', async () => {
    const before = ids('titan-execution');
    const state = await run('secret-rotation', { editorEnv: { EDIT_SET: '' }, confirm: ['RECREATE'] }).done;
    expect(state.status).toBe('cancelled');
    expect(state.steps[0]?.summary).toMatch(/no key changed/);
    expect(ids('titan-execution')).toEqual(before);
  });

  it('edits .env, reports the changed key names only, recreates both services and verifies them', async () => {
    const before = { exec: ids('titan-execution'), sentinel: ids('titan-sentinel') };
    const { done, hooks } = run('secret-rotation', {
      editorEnv: { EDIT_SET: 'BINANCE_API_KEY=new-key-444;BINANCE_API_SECRET=new-secret-555' },
      confirm: ['RECREATE'],
    });
    const state = await done;
    expect(state.status, state.summary).toBe('ok');
    expect(hooks.asked.edited).toEqual([join(dir, '.env')]);
    expect(state.steps[0]?.output).toContain('changed: BINANCE_API_KEY, BINANCE_API_SECRET');
    const confirm = hooks.asked.confirm[0];
    expect(confirm?.warning).toMatch(/wipes \/app\/system\.halt, \/app\/execution\.armed/);
    expect(confirm?.lines).toContain('changed in .env: BINANCE_API_KEY, BINANCE_API_SECRET');
    // Values never reach the screen or the audit log.
    const everything = JSON.stringify(state) + readFileSync(join(stack.auditDir, 'audit.jsonl'), 'utf8');
    expect(everything).not.toMatch(/old-key-111|new-key-444|old-secret-222|new-secret-555/);
    const after = { exec: ids('titan-execution'), sentinel: ids('titan-sentinel') };
    expect(after.exec).toHaveLength(1);
    expect(after.exec[0]).not.toBe(before.exec[0]);
    expect(after.sentinel[0]).not.toBe(before.sentinel[0]);
    expect(await envOf(after.exec[0] as string)).toContain('BINANCE_API_KEY=new-key-444');
    expect(state.steps[3]?.summary).toMatch(
      /running, healthy \(new container [0-9a-f]{12}\).*running \(it has no healthcheck\) \(new container/,
    );
    const c = await rt.engine.inspect(after.sentinel[0] as string);
    expect(c.ok && c.value.state).toBe('running');
  }, 60_000);

  it('database credential rotation: strongest confirmation, down, up -d, every service verified', async () => {
    const before = ids('titan-execution');
    const { done, hooks } = run('db-credential-rotation', {
      confirm: ['ROTATE DATABASE CREDENTIALS'],
      editorEnv: { EDIT_SET: 'TITAN_DB_PASSWORD=new-db-666' },
    });
    const state = await done;
    expect(state.status, state.summary).toBe('ok');
    expect(hooks.asked.confirm[0]?.warning).toMatch(/^DOWNTIME/);
    expect(state.steps.map((s) => s.id)).toEqual(['edit-env', 'down', 'up', 'verify']);
    expect(state.steps[1]?.plan[0]).toBe(`$ docker-compose -f ${join(dir, 'docker-compose.yml')} -p ${project} down    (in ${dir})`);
    const after = ids('titan-execution');
    expect(after[0]).not.toBe(before[0]);
    expect(await envOf(after[0] as string)).toContain('TITAN_DB_PASSWORD=new-db-666');
    expect(state.steps[0]?.output).toEqual([`opening ${join(dir, '.env')} in the editor…`, 'changed: TITAN_DB_PASSWORD']);
  }, 90_000);

  it('the strongest confirmation refused: the editor never opens', async () => {
    const { done, hooks } = run('db-credential-rotation', { confirm: ['ROTATE'] });
    const state = await done;
    expect(state.status).toBe('cancelled');
    expect(hooks.asked.edited).toHaveLength(0);
  });
});
