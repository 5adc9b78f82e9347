import { mkdtempSync, writeFileSync } from 'node:fs';
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
    const a = loadConfig({ configFile: f, env: { USER: 'alice' } });
    expect(a.config.profile).toBe('titan');
    expect(a.config.nats.servers).toEqual(['nats://127.0.0.1:4222']);
    expect(a.operator).toBe('alice');
    expect(loadConfig({ configFile: f, env: { USER: 'root', SUDO_USER: 'bob' } }).operator).toBe('bob');
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
      configFile: f,
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
    expect(() => loadConfig({ configFile: f, env: { TITAN_TUI_LOGS_TAIL: 'lots' } })).toThrow(
      /TITAN_TUI_LOGS_TAIL: logs\.tail = "lots"; allowed: a number/,
    );
    expect(() => loadConfig({ configFile: f, env: { TITAN_TUI_READ_ONLY: 'maybe' } })).toThrow(/true or false/);
  });

  it('masks every secret', () => {
    const f = join(dir(), 'none.json');
    const a = loadConfig({
      configFile: f,
      env: { NATS_PASS: 'p4ss', TITAN_TUI_BRAIN_HMAC_SECRET: 'hmac-s3cret', TITAN_TUI_BRAIN_JWT_SECRET: 'jwt-s3cret' },
    });
    const text = JSON.stringify(maskConfig(a.config));
    expect(text).not.toContain('p4ss');
    expect(text).not.toContain('hmac-s3cret');
    expect(text).not.toContain('jwt-s3cret');
    expect(text).toContain(MASK);
  });
});
