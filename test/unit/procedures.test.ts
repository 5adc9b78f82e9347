/** Pure parts of the procedures: settings, env-file key diff, backup listing, argument handling. */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { confirmValues } from '../../src/cli/run-command.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { describeBackup, hasControls, humanAge, humanSize, listBackups } from '../../src/procedures/backups.js';
import { editorArgv } from '../../src/procedures/editor.js';
import { describeKeyChanges, diffEnvKeys } from '../../src/procedures/env-keys.js';
import { commandLine } from '../../src/procedures/host-command.js';
import { commandEnv, composePrefix, detectCompose, procedureSettings } from '../../src/procedures/settings.js';

/** An empty config file (a named file must exist): the defaults apply. */
const none = () => {
  const f = join(mkdtempSync(join(tmpdir(), 'titan-cfg-')), 'config.json');
  writeFileSync(f, '{}');
  return f;
};

describe('procedures settings', () => {
  it('defaults follow the runbook and the backup script; relative paths are inside deployDir', () => {
    const { config } = loadConfig({ configFile: none(), env: {} });
    expect(config.procedures).toMatchObject({
      deployCommand: ['./scripts/deploy-vps.sh'],
      restoreCommand: ['./scripts/restore-db.sh'],
      backupDir: './backups',
      envFile: '.env',
      stepTimeoutSec: 600,
      dryRun: false,
    });
    const s = procedureSettings(config, '/srv/titan');
    expect(s).toMatchObject({
      deployDir: '/srv/titan',
      backupDir: '/srv/titan/backups',
      envFile: '/srv/titan/.env',
      composeCommand: null,
      composeFile: null,
    });
  });

  it('every setting comes from TITAN_TUI_PROCEDURES_* and flags; argument arrays are JSON', () => {
    const env = {
      TITAN_TUI_PROCEDURES_DEPLOY_DIR: '/opt/titan/current',
      TITAN_TUI_PROCEDURES_DEPLOY_COMMAND: '["scripts/ci/deploy.sh","{sha}"]',
      TITAN_TUI_PROCEDURES_ENV_FILE: '/opt/titan/compose/.env.prod',
      TITAN_TUI_PROCEDURES_COMPOSE_COMMAND: '["docker","compose"]',
      TITAN_TUI_PROCEDURES_COMPOSE_FILE: 'docker-compose.prod.yml',
      TITAN_TUI_PROCEDURES_STEP_TIMEOUT_SEC: '900',
      TITAN_TUI_PROCEDURES_DRY_RUN: 'true',
    };
    const { config, provenance } = loadConfig({
      configFile: none(),
      env,
      flags: { 'procedures-compose-project': 'titan', 'procedures-backup-dir': '/opt/titan/backups/postgres' },
    });
    const s = procedureSettings(config);
    expect(s).toMatchObject({
      deployDir: '/opt/titan/current',
      deployCommand: ['scripts/ci/deploy.sh', '{sha}'],
      envFile: '/opt/titan/compose/.env.prod',
      composeFile: '/opt/titan/current/docker-compose.prod.yml',
      composeProject: 'titan',
      backupDir: '/opt/titan/backups/postgres',
      stepTimeoutSec: 900,
    });
    expect(config.procedures.dryRun).toBe(true);
    expect(provenance['procedures.deployCommand']).toBe('env:TITAN_TUI_PROCEDURES_DEPLOY_COMMAND');
    expect(composePrefix(s, ['docker', 'compose'])).toEqual([
      'docker',
      'compose',
      '-f',
      '/opt/titan/current/docker-compose.prod.yml',
      '-p',
      'titan',
    ]);
  });

  it('a command that is not an argument array is refused with the key named', () => {
    expect(() => loadConfig({ configFile: none(), env: { TITAN_TUI_PROCEDURES_DEPLOY_COMMAND: '"./deploy.sh --prod"' } })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ configFile: none(), env: { TITAN_TUI_PROCEDURES_DEPLOY_COMMAND: '"./deploy.sh --prod"' } })).toThrow(
      /procedures\.deployCommand/,
    );
    expect(() => loadConfig({ configFile: none(), env: { TITAN_TUI_PROCEDURES_RESTORE_COMMAND: '[]' } })).toThrow(
      /procedures\.restoreCommand/,
    );
  });

  it('host commands get DOCKER_HOST from the config and none of the cockpit settings', () => {
    const { config } = loadConfig({ configFile: none(), env: {}, flags: { 'docker-host': 'unix:///tmp/x.sock' } });
    const env = commandEnv(config, {
      PATH: '/bin',
      HOME: '/home/op',
      LC_ALL: 'C.UTF-8',
      DOCKER_CONFIG: '/home/op/.docker',
      COMPOSE_PROJECT_NAME: 'titan',
      SSH_AUTH_SOCK: '/tmp/agent',
      TITAN_TUI_NATS_PASS: 'secret',
      NATS_PASS: 'secret',
      AWS_SECRET_ACCESS_KEY: 'secret',
      GITHUB_TOKEN: 'secret',
      DOCKER_HOST: 'tcp://elsewhere:2376',
    });
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/home/op',
      LC_ALL: 'C.UTF-8',
      DOCKER_CONFIG: '/home/op/.docker',
      COMPOSE_PROJECT_NAME: 'titan',
      SSH_AUTH_SOCK: '/tmp/agent',
      DOCKER_HOST: 'unix:///tmp/x.sock',
    });
  });

  it('detects the compose command present on PATH (docker compose, else docker-compose)', async () => {
    const found = await detectCompose({ PATH: process.env.PATH }, tmpdir());
    expect(found.ok).toBe(true);
    const missing = await detectCompose({ PATH: '/nonexistent' }, tmpdir());
    expect(missing).toEqual({ ok: false, error: expect.stringMatching(/set procedures\.composeCommand/) });
  });
});

describe('environment file changes', () => {
  it('names changed, added and removed keys, never values', () => {
    const before = 'BINANCE_API_KEY=old-key\n# BINANCE_API_KEY=commented\nexport BINANCE_API_SECRET=s3cret\nKEEP=1\nGONE=x\n';
    const after = 'BINANCE_API_KEY=new-key\nexport BINANCE_API_SECRET=n3w\nKEEP=1\nNEW_ONE=y\n';
    const lines = describeKeyChanges(diffEnvKeys(before, after));
    expect(lines).toEqual(['changed: BINANCE_API_KEY, BINANCE_API_SECRET', 'added: NEW_ONE', 'removed: GONE']);
    expect(lines.join(' ')).not.toMatch(/old-key|new-key|s3cret|n3w/);
    expect(describeKeyChanges(diffEnvKeys(before, before))).toEqual(['no key changed']);
    // The last definition wins, as in compose.
    expect(diffEnvKeys('A=1\nA=2\n', 'A=2\n').changed).toEqual([]);
  });
});

describe('backups', () => {
  it('lists *.sql.gz newest first with size and age', () => {
    const dir = mkdtempSync(join(tmpdir(), 'titan-backups-'));
    const now = Date.now() / 1000;
    for (const [name, age, size] of [
      ['titan_brain_a.sql.gz', 3 * 86400, 10],
      ['titan_brain_b.sql.gz', 60, 3000],
      ['notes.txt', 0, 1],
    ] as const) {
      writeFileSync(join(dir, name), 'x'.repeat(size));
      utimesSync(join(dir, name), now - age, now - age);
    }
    mkdirSync(join(dir, 'dir.sql.gz'));
    const r = listBackups(dir);
    expect(r.ok && r.files.map((f) => f.name)).toEqual(['titan_brain_b.sql.gz', 'titan_brain_a.sql.gz']);
    expect(r.ok && describeBackup(r.files[0] as never, now * 1000)).toMatch(/^titan_brain_b\.sql\.gz +2\.9 KiB +60 s old$/);
    expect(listBackups(join(dir, 'missing'))).toEqual({ ok: false, error: `backup directory ${join(dir, 'missing')} does not exist` });
    expect([humanSize(512), humanSize(5 * 1024 ** 3), humanAge(3 * 3600_000), humanAge(3 * 86400_000)]).toEqual([
      '512 B',
      '5.0 GiB',
      '3 h',
      '3 d',
    ]);
  });
});

describe('backup names from outside', () => {
  it('a name with escape sequences and a newline is shown on one line, escaped, and cannot be restored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'titan-backups-'));
    const evil = 'evil\x1b]0;T\x07\x1b]52;c;aGk=\x07\x1b[2J\nline2.sql.gz';
    writeFileSync(join(dir, evil), 'x');
    const r = listBackups(dir);
    const f = r.ok ? r.files[0] : undefined;
    expect(f?.name).toBe(evil);
    expect(f?.display).toBe('evil\\x1b]0;T\\x07\\x1b]52;c;aGk=\\x07\\x1b[2J\\nline2.sql.gz');
    const row = describeBackup(f as never);
    expect(row).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(row.split('\n')).toHaveLength(1);
    expect(hasControls(evil)).toBe(true);
    expect(hasControls('titan_brain_20260101_000000.sql.gz')).toBe(false);
  });
});

describe('command line pieces', () => {
  it('--confirm is repeatable and comma-separated, in order', () => {
    expect(confirmValues(['run', 'x', '--confirm', 'A', '--confirm=B,C', '--json', '--confirm', 'ROTATE DATABASE CREDENTIALS'])).toEqual([
      'A',
      'B',
      'C',
      'ROTATE DATABASE CREDENTIALS',
    ]);
    // A --confirm without its word is a usage error, not an empty confirmation.
    expect(() => confirmValues(['run', 'x', '--confirm', '--json'])).toThrow(/--confirm needs a value/);
  });

  it('commands are shown quoted for reading, never run through a shell', () => {
    expect(commandLine(['git', 'log', '-1', '--format=%H %s', "it's"])).toBe(`git log -1 '--format=%H %s' 'it'\\''s'`);
  });

  it('$EDITOR is split into an argument array', () => {
    expect(editorArgv({ EDITOR: 'code --wait' })).toEqual(['code', '--wait']);
    expect(editorArgv({ VISUAL: 'nano' })).toEqual(['nano']);
    expect(editorArgv({})).toEqual(['vi']);
  });
});
