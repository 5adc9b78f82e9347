/**
 * What a host command and the editor get from the cockpit: an allowlisted environment (no NATS_PASS,
 * no TITAN_TUI_* secrets), and their output through the redaction layer. Real child processes.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnEditor } from '../../src/procedures/editor.js';
import { ProcedureRunner } from '../../src/procedures/runner.js';
import { procedureSettings } from '../../src/procedures/settings.js';
import type { Procedure, ProcedureId, Step } from '../../src/procedures/types.js';
import { operator } from '../fixtures/procedures/harness.js';
import { type OfflineRuntime, offlineRuntime } from '../helpers/offline-runtime.js';

const HMAC = 'hmac-in-output-s3cret';
const LEAKS = { NATS_PASS: 'nats-pass-leak-1', TITAN_TUI_BRAIN_JWT: 'jwt-leak-2', AWS_SECRET_ACCESS_KEY: 'aws-leak-3' };
let off: OfflineRuntime;
let dir: string;
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'titan-env-'));
  off = offlineRuntime({ operator: 'tester', 'procedures-deploy-dir': dir, 'brain-hmac-secret': HMAC });
  // The cockpit's own process holds these: none may reach a child.
  for (const [k, v] of Object.entries(LEAKS)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await off?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const step = (id: string, argv: string[]): Step => ({
  id,
  label: id,
  kind: 'command',
  destructive: false,
  plan: () => [],
  command: (ctx) => ({ argv, cwd: ctx.settings.deployDir }),
});

describe('child processes', () => {
  it('a procedure command gets the allowlist and DOCKER_HOST of the watched engine, and its output is redacted', async () => {
    const procedure: Procedure = {
      id: 'test' as ProcedureId,
      title: 'env',
      summary: 'env',
      steps: [
        step('env', ['env']),
        step('echo', ['sh', '-c', `echo "secret=${HMAC}"; echo 'authorization: Bearer abc.def'; echo "x-signature: 0badc0de"`]),
      ],
    };
    // No `env` option: the default, built from this process's environment (commandEnv).
    const state = await new ProcedureRunner({
      procedure,
      args: {},
      deps: off.rt,
      settings: procedureSettings(off.rt.config),
      hooks: operator(),
      dryRun: false,
    }).run();
    expect(state.status, state.summary).toBe('ok');
    const env = state.steps[0]?.output.join('\n') ?? '';
    expect(env).toMatch(/^PATH=/m);
    expect(env).toContain(`DOCKER_HOST=${off.rt.config.docker.host}`);
    for (const [k, v] of Object.entries(LEAKS)) {
      expect(env).not.toContain(k);
      expect(env).not.toContain(v);
    }
    expect(env).not.toMatch(/^TITAN_TUI_/m);
    const out = state.steps[1]?.output.join('\n') ?? '';
    expect(out).toContain('secret=***');
    expect(out).not.toContain(HMAC);
    expect(out).toContain('authorization: Bearer ***');
    expect(out).not.toContain('0badc0de');
  });

  it('the editor gets the allowlist too', async () => {
    const script = join(dir, 'editor.sh');
    writeFileSync(script, '#!/bin/sh\nenv > "$1.env"\n');
    chmodSync(script, 0o755);
    const before = process.env.EDITOR;
    process.env.EDITOR = script;
    try {
      const target = join(dir, 'file.txt');
      writeFileSync(target, 'x');
      expect(await spawnEditor(target)).toEqual({ ok: true });
      const env = readFileSync(`${target}.env`, 'utf8');
      expect(env).toMatch(/^PATH=/m);
      for (const v of Object.values(LEAKS)) expect(env).not.toContain(v);
    } finally {
      if (before === undefined) delete process.env.EDITOR;
      else process.env.EDITOR = before;
    }
  });
});
