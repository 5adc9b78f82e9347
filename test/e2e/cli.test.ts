/** The command line, spawned as an operator or a script would run it, against the real stack. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/docker.js';
import { HMAC_SECRET, startTitanStack, type TitanStack } from '../helpers/titan-stack.js';

let stack: TitanStack;
const cli = (args: string[], env: NodeJS.ProcessEnv = stack.env()) => {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/titan-tui'), ...args], { env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
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

  it('doctor: exit 0 with working paths, exit 1 when the emergency stop has none', () => {
    const ok = cli(['doctor']);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/NATS halt\s+ok/);
    const dead = cli(['doctor'], stack.env({ NATS_URL: 'nats://127.0.0.1:1', DOCKER_HOST: 'unix:///tmp/no-such-docker.sock' }));
    expect(dead.code).toBe(1);
    expect(dead.out).toMatch(/NO working path/);
  });

  it('status --json reports containers, halt file and breaker', () => {
    const r = cli(['status', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.containers.map((c: { name: string }) => c.name)).toContain(stack.names.execution);
    expect(s.haltFile).toMatchObject({ present: false });
    expect(s.breaker).toMatchObject({ active: false });
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
