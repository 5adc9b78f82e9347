import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { MASK, maskConfig } from '../../src/config/mask.js';

const dir = () => mkdtempSync(join(tmpdir(), 'titan-cfg-'));
const fileWith = (text: string) => {
  const d = dir();
  const f = join(d, 'config.json');
  writeFileSync(f, text);
  return f;
};

describe('configuration', () => {
  it('uses defaults when no file exists and resolves the operator from SUDO_USER, then USER', () => {
    const f = join(dir(), 'none.json');
    const a = loadConfig({ defaultConfigFile: f, env: { USER: 'alice' } });
    expect(a.config.profile).toBe('titan');
    expect(a.config.nats.servers).toEqual(['nats://127.0.0.1:4222']);
    expect(a.operator).toBe('alice');
    expect(loadConfig({ defaultConfigFile: f, env: { USER: 'root', SUDO_USER: 'bob' } }).operator).toBe('bob');
    expect(a.files.configExists).toBe(false);
  });

  it('applies file < environment < flags', () => {
    const f = fileWith(JSON.stringify({ profile: 'runbook', nats: { servers: ['nats://file:4222'] }, logs: { tail: 10 } }));
    const env = { TITAN_TUI_NATS_SERVERS: 'nats://env1:4222,nats://env2:4222', NATS_USER: 'brain', TITAN_TUI_LOGS_TAIL: '20' };
    const a = loadConfig({ configFile: f, env, flags: { 'logs-tail': '30' } });
    expect(a.config.profile).toBe('runbook');
    expect(a.config.nats.servers).toEqual(['nats://env1:4222', 'nats://env2:4222']);
    expect(a.config.nats.user).toBe('brain');
    expect(a.config.logs.tail).toBe(30);
    expect(a.provenance['logs.tail']).toBe('flag:--logs-tail');
    expect(a.provenance.profile).toBe('file');
  });

  it('NATS_URL and DOCKER_HOST are honoured, TITAN_TUI_* wins over them', () => {
    const f = join(dir(), 'none.json');
    const a = loadConfig({
      defaultConfigFile: f,
      env: { NATS_URL: 'nats://a:1', DOCKER_HOST: 'tcp://d:2376', TITAN_TUI_DOCKER_HOST: 'unix:///x.sock' },
    });
    expect(a.config.nats.servers).toEqual(['nats://a:1']);
    expect(a.config.docker.host).toBe('unix:///x.sock');
  });

  it('a corrupt file gives one line naming the file and the position, never its content', () => {
    const f = fileWith('{"nats": {"pass": "hunter2-secret",, }}');
    let err: unknown;
    try {
      loadConfig({ configFile: f, env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    expect((err as ConfigError).exitCode).toBe(2);
    expect(msg).toContain(f);
    expect(msg).toMatch(/not valid JSON \(line 1, column \d+\)/);
    expect(msg).not.toContain('hunter2');
    expect(msg.split('\n')).toHaveLength(1);
  });

  it('an invalid value names the file, the key and what is allowed', () => {
    const f = fileWith(JSON.stringify({ profile: 'prod' }));
    expect(() => loadConfig({ configFile: f, env: {} })).toThrow(/invalid config file .*config\.json: profile: .*"titan".*"runbook"/);
    const g = fileWith(JSON.stringify({ logs: { ringLines: 10_000_000 } }));
    expect(() => loadConfig({ configFile: g, env: {} })).toThrow(/logs\.ringLines: .*50000/);
    const h = fileWith(JSON.stringify({ nats: { srevers: [] } }));
    expect(() => loadConfig({ configFile: h, env: {} })).toThrow(/nats.*srevers/);
  });

  it('a bad environment value names the variable, and never echoes a secret', () => {
    const f = join(dir(), 'none.json');
    expect(() => loadConfig({ defaultConfigFile: f, env: { TITAN_TUI_LOGS_TAIL: 'lots' } })).toThrow(
      /TITAN_TUI_LOGS_TAIL: logs\.tail = "lots"; allowed: a number/,
    );
    expect(() => loadConfig({ defaultConfigFile: f, env: { TITAN_TUI_READ_ONLY: 'maybe' } })).toThrow(/true or false/);
  });

  it('masks every secret', () => {
    const f = join(dir(), 'none.json');
    const a = loadConfig({
      defaultConfigFile: f,
      env: { NATS_PASS: 'p4ss', TITAN_TUI_BRAIN_HMAC_SECRET: 'hmac-s3cret', TITAN_TUI_BRAIN_JWT_SECRET: 'jwt-s3cret' },
    });
    const text = JSON.stringify(maskConfig(a.config));
    expect(text).not.toContain('p4ss');
    expect(text).not.toContain('hmac-s3cret');
    expect(text).not.toContain('jwt-s3cret');
    expect(text).toContain(MASK);
  });
});

describe('config loading reads exactly what it is given', () => {
  const load = (configFile: string, env: NodeJS.ProcessEnv = {}) => loadConfig({ configFile, env });
  const problem = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as ConfigError).message;
      expect(msg.split('\n')).toHaveLength(1);
      return msg;
    }
    throw new Error('loaded');
  };

  it('an explicit path without .json is read as given, never as FILE.json', () => {
    const d = dir();
    const f = join(d, 'titan-prod');
    writeFileSync(f, JSON.stringify({ readOnly: true }));
    writeFileSync(`${f}.json`, JSON.stringify({ readOnly: false }));
    expect(load(f).config.readOnly).toBe(true);
    expect(loadConfig({ env: { TITAN_TUI_CONFIG: f } }).config.readOnly).toBe(true);
  });

  it('a named file that is missing, null, an array, empty, a FIFO or a directory is refused (exit 2, one line)', () => {
    const d = dir();
    expect(problem(() => load(join(d, 'nope.json')))).toMatch(/nope\.json \(from --config\) does not exist/);
    expect(problem(() => loadConfig({ env: { TITAN_TUI_CONFIG: join(d, 'nope') } }))).toMatch(/\(from TITAN_TUI_CONFIG\) does not exist/);
    expect(problem(() => load(fileWith('null')))).toMatch(/must hold a JSON object .* not null/);
    expect(problem(() => load(fileWith('[1,2]')))).toMatch(/not an array/);
    expect(problem(() => load(fileWith('  \n')))).toMatch(/is empty/);
    const fifo = join(d, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // Without the check this blocks forever in open(): the test would time out, not fail.
    expect(problem(() => load(fifo))).toMatch(/is a FIFO \(named pipe\), not a regular file/);
    expect(problem(() => load(d))).toMatch(/is a directory, not a regular file/);
  });

  it('the default file may be absent; broken, it is named with line and column', () => {
    const xdg = dir();
    expect(loadConfig({ env: { XDG_CONFIG_HOME: xdg } }).files).toEqual({
      config: join(xdg, 'titan-tui', 'config.json'),
      configExists: false,
    });
    mkdirSync(join(xdg, 'titan-tui'));
    writeFileSync(join(xdg, 'titan-tui', 'config.json'), '{\n  "profile": "titan",\n  "nats": x\n}');
    const e = (() => {
      try {
        loadConfig({ env: { XDG_CONFIG_HOME: xdg } });
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('loaded');
    })();
    expect(e.message).toBe(
      `config file ${join(xdg, 'titan-tui', 'config.json')} is not valid JSON (line 3, column 11): unexpected character; fix it or move it away`,
    );
    expect(e.file).toBe(join(xdg, 'titan-tui', 'config.json'));
  });

  it('contract overrides are validated at load: null, wrong types, unknown keys name the key path', () => {
    const none = join(dir(), 'none.json');
    const bad = (contract: unknown) =>
      problem(() => loadConfig({ defaultConfigFile: none, env: { TITAN_TUI_CONTRACT: JSON.stringify(contract) } }));
    expect(bad({ nats: { halt: { hard: null } } })).toMatch(
      /^invalid setting from environment variable TITAN_TUI_CONTRACT: contract\.nats\.halt\.hard: .*expected object, received null$/,
    );
    expect(bad({ nats: { flatten: { subject: 5 } } })).toMatch(/contract\.nats\.flatten\.subject: .*expected string/);
    expect(bad({ nats: { hallt: {} } })).toMatch(/contract\.nats: Unrecognized key: "hallt"/);
    expect(bad({ containers: { watch: '(' } })).toMatch(/contract\.containers\.watch: not a valid regular expression/);
    const inFile = fileWith(JSON.stringify({ contract: { haltFile: { path: 'relative' } } }));
    expect(problem(() => load(inFile))).toMatch(new RegExp(`config file ${inFile}: contract\\.haltFile\\.path`));
    expect(loadConfig({ defaultConfigFile: none, env: { TITAN_TUI_CONTRACT: '{"nats":{"halt":{"soft":null}}}' } }).config.contract).toEqual(
      {
        nats: { halt: { soft: null } },
      },
    );
  });

  it('secrets come from *File settings: a regular file, one trailing newline dropped, never echoed', () => {
    const d = dir();
    const pass = join(d, 'nats-pass');
    writeFileSync(pass, 'from-file-s3cret\n');
    const none = join(d, 'none.json');
    const a = loadConfig({ defaultConfigFile: none, env: { TITAN_TUI_NATS_PASS_FILE: pass, NATS_PASS: 'env-pass' } });
    expect(a.config.nats.pass).toBe('from-file-s3cret');
    expect(a.provenance['nats.pass']).toBe('env:TITAN_TUI_NATS_PASS_FILE (file)');
    // A secret given at a higher level wins over a file given lower.
    const b = loadConfig({
      configFile: fileWith(JSON.stringify({ brain: { hmacSecretFile: pass } })),
      env: { TITAN_TUI_BRAIN_HMAC_SECRET: 'env-hmac' },
    });
    expect(b.config.brain.hmacSecret).toBe('env-hmac');
    expect(loadConfig({ defaultConfigFile: none, env: {}, flags: { 'brain-jwt-secret-file': pass } }).config.brain.jwtSecret).toBe(
      'from-file-s3cret',
    );
    expect(problem(() => loadConfig({ defaultConfigFile: none, env: { TITAN_TUI_NATS_PASS_FILE: join(d, 'missing') } }))).toMatch(
      /secret file .*missing \(nats\.passFile, from environment variable TITAN_TUI_NATS_PASS_FILE\) does not exist/,
    );
    writeFileSync(join(d, 'empty'), '\n');
    expect(problem(() => loadConfig({ defaultConfigFile: none, env: { TITAN_TUI_NATS_PASS_FILE: join(d, 'empty') } }))).toMatch(/is empty/);
    expect(problem(() => loadConfig({ defaultConfigFile: none, env: { TITAN_TUI_NATS_PASS_FILE: d } }))).toMatch(/is a directory/);
  });

  it('config masks the credentials inside every configured URL', () => {
    const a = loadConfig({
      defaultConfigFile: join(dir(), 'none.json'),
      env: {
        TITAN_TUI_BRAIN_URL: 'http://admin:brainpass@b:3100',
        TITAN_TUI_EXECUTION_URL: 'http://ops:execpass@e:3002',
        DOCKER_HOST: 'tcp://user:dockerpass@d:2376',
        NATS_URL: 'nats://u:natspass@n:4222',
      },
    });
    const text = JSON.stringify(maskConfig(a.config));
    for (const s of ['brainpass', 'execpass', 'dockerpass', 'natspass']) expect(text).not.toContain(s);
    expect(maskConfig(a.config).brain.url).toBe('http://admin:***@b:3100');
    expect(maskConfig(a.config).docker.host).toBe('tcp://user:***@d:2376');
  });
});
