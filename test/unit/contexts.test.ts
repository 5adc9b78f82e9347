/** Contexts in the config file: selection, precedence, strict validation, secrets, what the UI shows. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../../src/cli/args.js';
import { contextsCommand } from '../../src/cli/contexts-command.js';
import { allContextsFlagProblem } from '../../src/cli/status-command.js';
import { confirmAsk, contextBadge, contextListLine, parseContextCommand } from '../../src/config/contexts.js';
import { ConfigError, loadConfig, loadContext } from '../../src/config/load.js';
import { redact } from '../../src/services/redact.js';

const fileWith = (data: unknown) => {
  const d = mkdtempSync(join(tmpdir(), 'titan-ctx-'));
  const f = join(d, 'config.json');
  writeFileSync(f, typeof data === 'string' ? data : JSON.stringify(data));
  return { f, d };
};

const BASE = {
  operator: 'alice',
  nats: { servers: ['nats://127.0.0.1:4222'], user: 'brain' },
  logs: { tail: 100 },
  context: 'staging',
  contexts: {
    production: {
      production: true,
      nats: { servers: ['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222'] },
      docker: { host: 'ssh://titan@vps.example', ssh: { identityFile: '/keys/id_ed25519' } },
      brain: { via: 'container' },
      execution: { via: 'container' },
      procedures: { deployDir: '/srv/titan', composeProject: 'titan' },
    },
    staging: { color: 'yellow', docker: { host: 'tcp://10.0.1.1:2376', tls: { caFile: '/ca.pem' } }, readOnly: true },
  },
};

const problem = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('loaded');
};

describe('contexts: which one is in use', () => {
  it('--context wins over TITAN_TUI_CONTEXT, which wins over the file; none: the top level alone', () => {
    const { f } = fileWith(BASE);
    const byFile = loadConfig({ configFile: f, env: {} });
    expect(byFile.context).toEqual({ name: 'staging', production: false, color: 'yellow' });
    expect(byFile.contextSource).toBe('file');
    expect(loadConfig({ configFile: f, env: { TITAN_TUI_CONTEXT: 'production' } }).context?.name).toBe('production');
    const byFlag = loadConfig({ configFile: f, env: { TITAN_TUI_CONTEXT: 'production' }, context: 'staging' });
    expect([byFlag.context?.name, byFlag.contextSource]).toEqual(['staging', 'flag:--context']);
    const { context: _c, ...noDefault } = BASE;
    const plain = loadConfig({ configFile: fileWith(noDefault).f, env: {} });
    expect(plain.context).toBeNull();
    expect(plain.config.nats.servers).toEqual(['nats://127.0.0.1:4222']);
    expect(plain.contexts.map((c) => c.name)).toEqual(['production', 'staging']);
  });

  it('defaults < top level < context < environment < flags, with the context named in the provenance', () => {
    const { f } = fileWith(BASE);
    const p = loadConfig({
      configFile: f,
      env: { TITAN_TUI_LOGS_TAIL: '7' },
      context: 'production',
      flags: { 'procedures-dry-run': true },
    });
    expect(p.config.nats.servers).toEqual(['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222']);
    expect(p.config.nats.user).toBe('brain'); // top level, not overridden
    expect(p.config.docker).toMatchObject({ host: 'ssh://titan@vps.example', ssh: { identityFile: '/keys/id_ed25519' } });
    expect(p.config.brain.via).toBe('container');
    expect(p.config.procedures).toMatchObject({ deployDir: '/srv/titan', composeProject: 'titan', dryRun: true });
    expect(p.config.logs.tail).toBe(7);
    expect(p.provenance['nats.servers']).toBe('context:production');
    expect(p.provenance['nats.user']).toBe('file');
    expect(p.provenance['logs.tail']).toBe('env:TITAN_TUI_LOGS_TAIL');
    expect(p.context).toEqual({ name: 'production', production: true, color: 'red' });
    const s = loadContext(p, 'staging');
    expect(s.config.readOnly).toBe(true);
    expect(s.config.docker.tls).toEqual({ caFile: '/ca.pem' });
    expect(s.config.nats.servers).toEqual(['nats://127.0.0.1:4222']);
    expect(s.config.logs.tail).toBe(7); // the same environment
  });

  it('with a context in use, NATS_URL / NATS_USER / NATS_PASS / DOCKER_HOST of the shell are ignored (TITAN_TUI_* still apply)', () => {
    const { f } = fileWith(BASE);
    const env = { NATS_URL: 'nats://laptop:4222', DOCKER_HOST: 'unix:///laptop.sock', NATS_PASS: 'shell-pass', TITAN_TUI_NATS_USER: 'ops' };
    const p = loadConfig({ configFile: f, env, context: 'production' });
    expect(p.config.nats.servers).toEqual(['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222']);
    expect(p.config.docker.host).toBe('ssh://titan@vps.example');
    expect(p.config.nats.pass).toBeUndefined();
    expect(p.config.nats.user).toBe('ops');
    const { context: _c, contexts: _cs, ...plain } = BASE;
    const none = loadConfig({ configFile: fileWith(plain).f, env });
    expect(none.config.docker.host).toBe('unix:///laptop.sock');
  });

  it('a secret file in a context is read, and inline secrets of every context are redacted', () => {
    const { f, d } = fileWith({});
    const passFile = join(d, 'prod-pass');
    writeFileSync(passFile, 'prod-secret-pass-123\n');
    writeFileSync(
      f,
      JSON.stringify({
        contexts: {
          prod: { nats: { passFile } },
          lab: { nats: { pass: 'lab-inline-secret-456' }, brain: { hmacSecret: 'lab-hmac-secret-789' } },
        },
      }),
    );
    const p = loadConfig({ configFile: f, env: {}, context: 'prod' });
    expect(p.config.nats.pass).toBe('prod-secret-pass-123');
    expect(p.provenance['nats.pass']).toBe('context:prod (file)');
    // Not used in this context, yet never shown.
    expect(redact('x lab-inline-secret-456 lab-hmac-secret-789 prod-secret-pass-123')).not.toMatch(/lab-inline|lab-hmac|prod-secret/);
    expect(contextsCommand(p, true)).not.toMatch(/lab-inline|prod-secret/);
  });
});

describe('contexts: strict validation (one line, the key path, exit 2)', () => {
  const bad = (contexts: unknown, extra: Record<string, unknown> = {}) =>
    problem(() => loadConfig({ configFile: fileWith({ contexts, ...extra }).f, env: {} }));

  it('every context is checked, used or not', () => {
    const e = bad({ production: { nats: { servers: [] } }, staging: {} }, { context: 'staging' });
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/^invalid config file .*config\.json: contexts\.production\.nats\.servers: /);
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('unknown keys, wrong types, colours and names are refused with their path', () => {
    expect(bad({ p: { keymap: {} } }).message).toMatch(
      /contexts\.p\.keymap: not a context setting \(a context may set: profile, readOnly, nats/,
    );
    expect(bad({ p: { docker: { hots: 'x' } } }).message).toMatch(/contexts\.p\.docker: .*hots/);
    expect(bad({ p: { production: 'yes' } }).message).toMatch(/contexts\.p\.production: /);
    expect(bad({ p: { color: 'pink' } }).message).toMatch(/contexts\.p\.color: /);
    expect(bad({ 'bad name': {} }).message).toMatch(/contexts\.bad name: a context name is/);
    expect(bad([1]).message).toMatch(/contexts: must be an object of named contexts/);
    expect(bad({ p: { profile: 'prod' } }).message).toMatch(/contexts\.p\.profile: /);
    expect(bad({ p: {} }, { context: 'q' }).message).toMatch(/context: "q" is not one of contexts \(p\)/);
  });

  it('an unknown --context or TITAN_TUI_CONTEXT names where it came from and the contexts there are', () => {
    const { f } = fileWith(BASE);
    expect(problem(() => loadConfig({ configFile: f, env: {}, context: 'prod' })).message).toMatch(
      /^context "prod" \(from flag --context\) is not defined in .*config\.json; defined: production, staging$/,
    );
    expect(problem(() => loadConfig({ configFile: f, env: { TITAN_TUI_CONTEXT: 'x' } })).message).toMatch(/from TITAN_TUI_CONTEXT/);
  });
});

describe('contexts: the command line', () => {
  it('--context, `contexts` and `status --all-contexts` parse strictly', () => {
    expect(parseCommandLine(['--context', 'production', 'status', '--all-contexts', '--json'])).toMatchObject({
      context: 'production',
      values: { 'all-contexts': true, json: true },
    });
    expect(parseCommandLine(['contexts', '--json']).command.name).toBe('contexts');
    expect(() => parseCommandLine(['halt', '--all-contexts'])).toThrow(UsageError);
    expect(() => parseCommandLine(['status', '--context'])).toThrow(/--context needs a value/);
    expect(allContextsFlagProblem({ 'docker-host': 'x' })).toMatch(/--docker-host would apply to all of them/);
    expect(allContextsFlagProblem({ operator: 'bob' })).toBeNull();
  });

  it('`titan-tui contexts` lists every context, marks the one in use, masks URL credentials', () => {
    const { f } = fileWith({
      ...BASE,
      contexts: { ...BASE.contexts, lab: { nats: { servers: ['nats://u:labpass@10.9.9.9:4222'] } } },
    });
    const text = contextsCommand(loadConfig({ configFile: f, env: {} }), false);
    expect(text).toMatch(/in use: staging \(from the file\)/);
    expect(text).toMatch(/^\* staging /m);
    expect(text).toMatch(
      /^ {2}production +PRODUCTION +red +titan +nats nats:\/\/10\.0\.0\.1:4222,nats:\/\/10\.0\.0\.2:4222 +docker ssh:\/\/titan@vps\.example$/m,
    );
    expect(text).not.toContain('labpass');
    const json = JSON.parse(contextsCommand(loadConfig({ configFile: f, env: {}, context: 'production' }), true));
    expect(json.current).toBe('production');
    expect(json.contexts.find((c: { name: string }) => c.name === 'production')).toMatchObject({
      current: true,
      production: true,
      brain: 'container address',
    });
  });
});

describe('contexts: what the cockpit shows', () => {
  const prod = { name: 'prod-eu', production: true, color: 'red' };
  const lab = { name: 'lab', production: false, color: 'cyan' };
  it('production confirmations name the context; the word stays the same', () => {
    expect(confirmAsk('HALT', prod)).toBe('Type HALT to confirm in PRODUCTION context prod-eu');
    expect(confirmAsk('HALT', lab)).toBe('Type HALT to confirm');
    expect(confirmAsk('RESUME', null)).toBe('Type RESUME to confirm');
  });
  it('the header badge, the palette command and its answer', () => {
    expect(contextBadge(prod)).toEqual({ text: ' prod-eu · PRODUCTION ', color: 'red', inverse: true });
    expect(contextBadge(lab)).toEqual({ text: ' lab ', color: 'cyan', inverse: false });
    expect(contextBadge(null)).toBeNull();
    expect(parseContextCommand('context prod-eu')).toEqual({ name: 'prod-eu' });
    expect(parseContextCommand('context')).toEqual({ name: null });
    expect(parseContextCommand('contexts')).toBeNull();
    expect(parseContextCommand('halt')).toBeNull();
    expect(contextListLine(lab, [prod, lab])).toBe('context lab; :context NAME switches to one of: prod-eu (production), lab');
  });
});
