/** The command line, spawned as an operator or a script would run it, against the real stack. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/spec.js';
import { PROJECT_ROOT } from '../helpers/docker.js';
import { json, startHttpServer, type TestServer } from '../helpers/http-server.js';
import { NATS_USERS } from '../helpers/nats-server.js';
import { UNREACHABLE } from '../helpers/offline-runtime.js';
import { waitFor } from '../helpers/ports.js';
import { HMAC_SECRET, startTitanStack, type TitanStack } from '../helpers/titan-stack.js';
import { TmuxSession } from '../helpers/tmux.js';

let stack: TitanStack;
const cli = (args: string[], env: NodeJS.ProcessEnv = stack.env()) => {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/titan-tui'), ...args], { env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
/** As `cli`, without blocking this process (a test server here must answer the CLI's requests). */
const cliAsync = (args: string[], env: NodeJS.ProcessEnv = stack.env()) =>
  new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/titan-tui'), ...args], { env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.once('close', (code) => resolve({ code, out, err }));
  });
const lastAudit = () => JSON.parse(readFileSync(join(stack.auditDir, 'audit.jsonl'), 'utf8').trim().split('\n').at(-1) as string);

beforeAll(async () => {
  stack = await startTitanStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

describe('titan-tui on the command line', () => {
  it('halt --confirm HALT --json: exit 0 and a VERIFIED report; resume likewise', () => {
    const h = cli(['halt', '--confirm', 'HALT', '--json', '--reason', 'cli drill']);
    expect(h.code, h.err).toBe(0);
    expect(JSON.parse(h.out)).toMatchObject({ action: 'halt', outcome: 'VERIFIED' });
    expect(lastAudit()).toMatchObject({ action: 'halt', outcome: 'VERIFIED', confirmation: 'HALT', tty: null });
    const r = cli(['resume', '--confirm', 'RESUME']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^RESUME: VERIFIED/);
  });

  it('a wrong --confirm does nothing: exit 1, recorded as cancelled', () => {
    const r = cli(['halt', '--confirm', 'YES']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/expected exactly HALT/);
    expect(lastAudit()).toMatchObject({ action: 'halt', outcome: 'CANCELLED', confirmation: 'YES' });
  });

  it('without a terminal and without --confirm it refuses (exit 2)', () => {
    const r = cli(['flatten']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--confirm FLATTEN/);
  });

  it('the cockpit without a terminal: exit 2 at once, with what to use instead (no service left running)', () => {
    // The cockpit's services start before its screen loads (src/cli/cockpit-runtime.ts); without a
    // terminal none may start: an open NATS or Docker socket would keep the process from exiting
    // (spawnSync's timeout would end it, with no exit code).
    const r = cli([]);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/needs a terminal.*titan-tui status/);
  });

  it('read-only registers no action: exit 2', () => {
    const r = cli(['halt', '--confirm', 'HALT', '--read-only']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/read-only/);
  });

  it('exit 3 when sent but not confirmed (a scoped subject nobody listens to, contract §1.3)', () => {
    const contract = JSON.stringify({
      containers: { execution: stack.names.execution, brain: stack.names.brain },
      nats: { halt: { hard: { subject: 'titan.cmd.sys.halt.v1.global' } } },
    });
    const r = cli(['halt', '--confirm', 'HALT'], stack.env({ TITAN_TUI_CONTRACT: contract, TITAN_TUI_ACTIONS_VERIFY_TIMEOUT_MS: '1000' }));
    expect(r.code, r.out + r.err).toBe(3);
    expect(r.out).toMatch(/SENT BUT NOT CONFIRMED/);
    expect(r.out).toMatch(/next: /);
  });

  it('doctor: exit 4 while a path cannot be verified (NATS 2.9 cannot say who may publish), exit 1 when the emergency stop has none', () => {
    const degraded = cli(['doctor']);
    expect(degraded.code, degraded.out).toBe(4);
    expect(degraded.out).toMatch(/NATS halt\s+UNVERIFIED/);
    expect(degraded.out).toMatch(/halt file\s+ok/);
    expect(degraded.out).toMatch(/breaker reset\s+ok/);
    const dead = cli(['doctor'], stack.env({ NATS_URL: 'nats://127.0.0.1:1', DOCKER_HOST: 'unix:///tmp/no-such-docker.sock' }));
    expect(dead.code).toBe(1);
    expect(dead.out).toMatch(/NO verified path/);
  });

  it('status --json reports containers, halt file and breaker', () => {
    const r = cli(['status', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.containers.map((c: { name: string }) => c.name)).toContain(stack.names.execution);
    expect(s.haltFile).toMatchObject({ present: false });
    expect(s.breaker).toMatchObject({ active: false });
  });

  it("the engine's requests are not formatted for docker-modem's debug log unless DEBUG asks for it", () => {
    // docker-modem used to util.inspect every request's options (the abort signal, no depth limit)
    // for a log nobody reads: ms per request, at start-up and every idle halt-file check
    // (scripts/bundle.mjs). A preload counts such calls in the real CLI, with and without DEBUG.
    const dir = mkdtempSync(join(tmpdir(), 'titan-inspect-'));
    const preload = join(dir, 'count.mjs');
    writeFileSync(
      preload,
      `import util from 'node:util'; import { writeFileSync } from 'node:fs';
       const inspect = util.inspect; let n = 0;
       util.inspect = function (v, o) { if (o?.showHidden && v && typeof v === 'object' && 'path' in v && 'method' in v) n++; return inspect.apply(this, arguments); };
       Object.assign(util.inspect, inspect);
       process.on('exit', () => writeFileSync(${JSON.stringify(join(dir, 'n'))} + (process.env.DEBUG ? '-debug' : ''), String(n)));`,
    );
    const opts = { NODE_OPTIONS: `--import ${preload}` };
    expect(cli(['status', '--json'], stack.env(opts)).code).toBe(0);
    expect(cli(['status', '--json'], stack.env({ ...opts, DEBUG: 'modem' })).code).toBe(0);
    expect(Number(readFileSync(join(dir, 'n-debug'), 'utf8')), 'the preload sees them when DEBUG is on').toBeGreaterThan(0);
    expect(Number(readFileSync(join(dir, 'n'), 'utf8'))).toBe(0);
  });

  it('config masks secrets and lists its files; a corrupt config file: one line, exit 2, no stack trace', () => {
    const c = cli(['config']);
    expect(c.code).toBe(0);
    expect(c.out).not.toContain(HMAC_SECRET);
    expect(c.out).not.toContain('brain-test-pass');
    expect(c.out).toMatch(/config\s+.*config\.json/);
    expect(c.out).toMatch(/audit\s+.*audit\.jsonl/);
    const dir = mkdtempSync(join(tmpdir(), 'titan-bad-'));
    const bad = join(dir, 'config.json');
    writeFileSync(bad, '{"profile": "titan",\n "nats": {"pass": "s3cret-in-file" ');
    const r = cli(['status'], stack.env({ TITAN_TUI_CONFIG: bad }));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(bad);
    expect(r.err).not.toMatch(/s3cret|at \w+ \(/);
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ probes: { intervalMs: 'often' } }));
    const v = cli(['status'], stack.env({ TITAN_TUI_CONFIG: invalid }));
    expect(v.code).toBe(2);
    expect(v.err).toMatch(/invalid\.json: probes\.intervalMs: /);
  });
});

/** Every command subject a CLI could publish, recorded while `fn` runs. */
async function published(fn: () => void | Promise<void>): Promise<string[]> {
  const nc: NatsConnection = await connect({ servers: [stack.nats.url], ...NATS_USERS.brain, reconnect: false });
  const got: string[] = [];
  for (const subject of ['titan.cmd.>', 'system.halt']) nc.subscribe(subject, { callback: (_e, m) => void got.push(m.subject) });
  await nc.flush();
  try {
    await fn();
    await nc.flush();
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    await nc.close();
  }
  return got;
}

const oneLine = (r: { err: string }) => expect(r.err.trim().split('\n')[0]).toMatch(/^titan-tui: /);
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('a strict command line', () => {
  it('a typo of a flag on every action command: exit 2, the usage, and nothing is published or written', async () => {
    const actions = COMMANDS.filter((c) => c.action);
    const subjects = await published(() => {
      for (const c of actions) {
        const args = [c.name, ...(c.args.some((a) => a.required) ? ['execution'] : []), '--sfot', '--confirm', c.confirm ?? 'X'];
        const r = cli(args);
        expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(2);
        expect(r.err).toContain(`unknown option --sfot for '${c.name}'`);
        expect(r.err).toContain(`usage: titan-tui ${c.name}`);
        expect(r.out).toBe('');
      }
    });
    expect(subjects).toEqual([]);
    const st = cli(['status', '--json']);
    expect(JSON.parse(st.out).haltFile).toMatchObject({ present: false });
    const bogus = cli(['status', '--bogus-flag']);
    expect(bogus.code).toBe(2);
    expect(bogus.err).toMatch(/unknown option --bogus-flag for 'status'/);
  }, 120_000);

  it('status exits 1 when nothing answered, in readable text', () => {
    const r = cli(['status'], {
      ...stack.env({ NATS_URL: UNREACHABLE.nats, DOCKER_HOST: UNREACHABLE.docker }),
      TITAN_TUI_BRAIN_URL: UNREACHABLE.http,
      TITAN_TUI_EXECUTION_URL: UNREACHABLE.http,
    });
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/^halt file {2}unknown — Docker engine not reachable/m);
    expect(r.out).toMatch(/^breaker {4}unknown — /m);
    expect(r.out).toMatch(/^NOT ANSWERED: nats, docker, brain, execution, halt file, breaker/m);
    expect(r.out).not.toContain('{');
    const ok = cli(['status']);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/every source answered/);
  });
});

describe('secrets', () => {
  let echo: TestServer;
  const seen: Array<Record<string, string | string[] | undefined>> = [];
  beforeAll(async () => {
    // A brain that refuses with a body echoing the request's headers (as some error pages do).
    echo = await startHttpServer((req, res) => {
      seen.push(req.headers);
      json(res, 401, { error: 'Unauthorized', message: `bad token: ${req.headers.authorization}`, echo: req.headers });
    });
  });
  afterAll(async () => {
    await echo?.close();
  });

  it('a 401 that echoes the minted JWT and the signature: neither reaches stdout, --json, stderr, the audit file or the NATS mirror', async () => {
    const audit = join(stack.auditDir, 'audit.jsonl');
    const before = existsSync(audit) ? readFileSync(audit, 'utf8').length : 0;
    const configuredJwt = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYWRtaW4iLCJjZmciOjF9.Y29uZmlndXJlZC1qd3Qtc2lnbmF0dXJl';
    const mirror: string[] = [];
    const nc = await connect({ servers: [stack.nats.url], ...NATS_USERS.brain, reconnect: false });
    nc.subscribe('titan.audit.test', { callback: (_e, m) => void mirror.push(m.string()) });
    await nc.flush();
    const env = { TITAN_TUI_BRAIN_URL: echo.url, TITAN_TUI_AUDIT_NATS_SUBJECT: 'titan.audit.test' };
    const minted = await cliAsync(['breaker-reset', '--confirm', 'RESET'], stack.env(env));
    const asJson = await cliAsync(['breaker-reset', '--confirm', 'RESET', '--json'], stack.env(env));
    const configured = await cliAsync(
      ['breaker-reset', '--confirm', 'RESET', '--json'],
      stack.env({ ...env, TITAN_TUI_BRAIN_JWT: configuredJwt }),
    );
    await waitFor(() => mirror.length >= 3, 5000).catch(() => undefined);
    await nc.close();
    for (const r of [minted, asJson, configured]) expect(r.code, r.out + r.err).toBe(1);
    expect(JSON.parse(asJson.out)).toMatchObject({ action: 'breaker-reset', outcome: 'FAILED' });
    expect(minted.out).toMatch(/HTTP 401/);
    const tokens = seen.flatMap((h) => [String(h.authorization ?? '').replace(/^Bearer /, ''), String(h['x-signature'] ?? '')]);
    expect(tokens.filter((t) => t.length > 20).length).toBeGreaterThanOrEqual(6);
    expect(tokens).toContain(configuredJwt);
    const everywhere = [
      minted.out,
      minted.err,
      asJson.out,
      asJson.err,
      configured.out,
      configured.err,
      readFileSync(audit, 'utf8').slice(before),
      ...mirror,
    ].join('\n');
    expect(mirror.length).toBeGreaterThanOrEqual(3);
    for (const t of tokens.filter(Boolean)) expect(everywhere).not.toContain(t);
    expect(everywhere).not.toContain(HMAC_SECRET);
  });

  it('a secret flag is refused; the *-file flag keeps it off /proc/PID/cmdline', async () => {
    const refused = cli(['status', '--nats-pass', NATS_USERS.brain.pass]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/--nats-pass is refused: .*--nats-pass-file FILE/);
    expect(refused.err + refused.out).not.toContain(NATS_USERS.brain.pass);

    const dir = mkdtempSync(join(tmpdir(), 'titan-secret-'));
    const file = join(dir, 'nats-pass');
    writeFileSync(file, `${NATS_USERS.brain.pass}\n`, { mode: 0o600 });
    const { NATS_PASS: _omit, ...env } = stack.env();
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/titan-tui'), 'status', '--json', '--nats-pass-file', file], { env });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    const cmdlines: string[] = [];
    await waitFor(() => {
      try {
        cmdlines.push(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8'));
      } catch {
        return true; // gone
      }
      return cmdlines.some((c) => c.includes('titan-tui')) && cmdlines.length > 5;
    }, 10_000);
    await exited;
    const seenCmdline = cmdlines.join('\n');
    expect(seenCmdline).toContain(file);
    expect(seenCmdline).not.toContain(NATS_USERS.brain.pass);
    // The password from the file was used: NATS accepted the connection.
    expect(JSON.parse(out).connections.nats.status).toBe('connected');
  });
});

describe('outside text on the terminal', () => {
  it('backup names with escape sequences and a newline: no raw control reaches the terminal, one line each', () => {
    const deploy = mkdtempSync(join(tmpdir(), 'titan-deploy-'));
    mkdirSync(join(deploy, 'backups'));
    const evil = 'evil\x1b]0;PWNED\x07\x1b]52;c;aGk=\x07\x1b[2J.sql.gz';
    const nl = 'two\nlines.sql.gz';
    for (const n of [evil, nl, 'good.sql.gz']) writeFileSync(join(deploy, 'backups', n), 'x');
    const env = stack.env({ TITAN_TUI_PROCEDURES_DEPLOY_DIR: deploy });
    const r = cli(['run', 'db-rollback', '--backup', 'good.sql.gz', '--confirm', 'not-the-name'], env);
    expect(r.code, r.out + r.err).toBe(3);
    expect(r.out + r.err).not.toMatch(RAW_CONTROLS);
    expect(r.out).toContain('evil\\x1b]0;PWNED\\x07\\x1b]52;c;aGk=\\x07\\x1b[2J.sql.gz');
    expect(r.out.split('\n').filter((l) => l.includes('two\\nlines.sql.gz'))).toHaveLength(1);
    const j = cli(['run', 'db-rollback', '--backup', 'good.sql.gz', '--confirm', 'not-the-name', '--json'], env);
    expect(j.out).not.toMatch(RAW_CONTROLS);
    // Such a name cannot be given to the restore command: refused, nothing stopped.
    const pick = cli(['run', 'db-rollback', '--backup', nl, '--confirm', nl], env);
    expect(pick.code).toBe(1);
    expect(pick.out).toMatch(/holds control characters/);
    expect(pick.out + pick.err).not.toMatch(RAW_CONTROLS);
  });
});

describe('outside text in a real terminal (tmux)', () => {
  it('a hostile backup name neither sets the pane title nor clears the screen', async () => {
    const deploy = mkdtempSync(join(tmpdir(), 'titan-deploy-'));
    mkdirSync(join(deploy, 'backups'));
    writeFileSync(join(deploy, 'backups', 'evil\x1b]2;PWNED\x07\x1b]0;PWNED\x07\x1b[2J\x1b[H.sql.gz'), 'x');
    writeFileSync(join(deploy, 'backups', 'good.sql.gz'), 'x');
    const tmux = new TmuxSession(
      ['run', 'db-rollback', '--backup', 'good.sql.gz', '--confirm', 'nope'],
      stack.env({ TITAN_TUI_PROCEDURES_DEPLOY_DIR: deploy }),
    );
    try {
      const screen = await tmux.waitForText(/EXITED \d+/, 20_000);
      expect(screen).toMatch(/^▶ Database rollback/m); // the first line is still there: nothing cleared the screen
      expect(screen).toContain('evil\\x1b]2;PWNED');
      const title = execFileSync('tmux', ['-L', tmux.name, 'display-message', '-p', '-t', tmux.name, '#{pane_title}'], {
        encoding: 'utf8',
      });
      expect(title).not.toContain('PWNED');
    } finally {
      tmux.kill();
    }
  }, 30_000);
});

describe('config loading', () => {
  it('named files are read as named; missing, null, [1,2], a FIFO, a directory: exit 2, one line, nothing sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'titan-cfgs-'));
    const plain = join(dir, 'titan-prod');
    writeFileSync(plain, JSON.stringify({ readOnly: true }));
    const subjects = await published(() => {
      const ro = cli(['halt', '--confirm', 'HALT', '--config', plain]);
      expect(ro.code).toBe(2);
      expect(ro.err).toMatch(/read-only/);
      writeFileSync(join(dir, 'null.json'), 'null');
      writeFileSync(join(dir, 'arr.json'), '[1,2]');
      execFileSync('mkfifo', [join(dir, 'fifo')]);
      mkdirSync(join(dir, 'dir'));
      for (const [name, why] of [
        ['missing.json', /does not exist/],
        ['null.json', /must hold a JSON object .* not null/],
        ['arr.json', /not an array/],
        ['fifo', /is a FIFO/],
        ['dir', /is a directory/],
      ] as const) {
        const r = cli(['halt', '--confirm', 'HALT'], stack.env({ TITAN_TUI_CONFIG: join(dir, name) }));
        expect(r.code, `${name}: ${r.err}`).toBe(2);
        expect(r.err).toMatch(why);
        expect(r.err.trim().split('\n')).toHaveLength(1);
        oneLine(r);
      }
    });
    expect(subjects).toEqual([]);
    expect(existsSync(join(dir, 'titan-prod.json'))).toBe(false);
  });

  it('contract overrides with null, a wrong type or an unknown key: exit 2, one line naming the key', () => {
    for (const [contract, key] of [
      [{ nats: { halt: { hard: null } } }, 'contract.nats.halt.hard'],
      [{ nats: { flatten: { subject: 42 } } }, 'contract.nats.flatten.subject'],
      [{ nats: { halt: { hrad: {} } } }, 'contract.nats.halt'],
    ] as const) {
      for (const cmd of ['status', 'stop-all']) {
        const r = cli(
          [cmd, '--confirm', 'HALT'].slice(0, cmd === 'status' ? 1 : 3),
          stack.env({ TITAN_TUI_CONTRACT: JSON.stringify(contract) }),
        );
        expect(r.code, r.err).toBe(2);
        expect(r.err.trim().split('\n')).toHaveLength(1);
        expect(r.err).toContain(`TITAN_TUI_CONTRACT: ${key}`);
        expect(r.err).not.toMatch(/Cannot read properties/);
      }
    }
  });

  it('config masks credentials inside URLs', () => {
    const r = cli(
      ['config'],
      stack.env({ TITAN_TUI_EXECUTION_URL: 'http://ops:execpass123@127.0.0.1:1', DOCKER_HOST: 'tcp://u:dockpass123@127.0.0.1:2' }),
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toContain('execpass123');
    expect(r.out).not.toContain('dockpass123');
    expect(r.out).toContain('http://ops:***@127.0.0.1:1');
  });
});

describe('an old Node', () => {
  it("bin/titan-tui on the system's Node 20 says in one line which version it needs and how to get it (exit 2)", () => {
    const old = spawnSync('/usr/bin/node', ['--version'], { encoding: 'utf8' });
    const major = Number(/^v(\d+)/.exec(old.stdout ?? '')?.[1] ?? 0);
    // The machines this project runs on ship Node 20; where the system Node is recent, there is nothing to test.
    expect(major, 'a system Node to test against').toBeGreaterThan(0);
    if (major >= 22) return;
    for (const args of [['status'], ['halt', '--confirm', 'HALT'], ['--help']]) {
      const r = spawnSync('/usr/bin/node', [join(PROJECT_ROOT, 'bin/titan-tui'), ...args], { encoding: 'utf8', timeout: 10_000 });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^titan-tui: needs Node\.js 22 or newer, this is v20\.\d+\.\d+ .*npm run demo.*Node\.js 24 LTS$/);
    }
  });
});
