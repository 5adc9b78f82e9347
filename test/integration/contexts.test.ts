/**
 * Contexts for real: one config file naming two deployments of the same simulated Titan, one reached
 * on the local Docker socket, the other (production) through Docker over ssh:// via a real sshd.
 * Switching stops the old runtime whole (NATS client gone from the server, SSH sessions gone from
 * sshd, lifetime aborted) and starts the new one SAFE; records carry the context; `status
 * --all-contexts` reads both at once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionLayer } from '../../src/actions/layer.js';
import { settle } from '../../src/cli/settle.js';
import { allContextsStatus } from '../../src/cli/status-command.js';
import { type LoadedConfig, loadConfig } from '../../src/config/load.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { RuntimeHost } from '../../src/runtime-host.js';
import type { AuditEntry } from '../../src/state/types.js';
import { NATS_USERS, type NatsServer, startNatsServer } from '../helpers/nats-server.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { HMAC_SECRET, JWT_SECRET, startTitanStack, type TitanStack } from '../helpers/titan-stack.js';

async function natsClients(monitorPort: number): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${monitorPort}/connz`);
  const j = (await res.json()) as { connections?: Array<{ name?: string }> };
  return (j.connections ?? []).map((c) => c.name ?? '');
}

describe('contexts: two deployments in one config file', () => {
  let nats: NatsServer;
  let monitorPort: number;
  let stack: TitanStack;
  let sshd: TestSshd;
  let loaded: LoadedConfig;
  let host: RuntimeHost;

  beforeAll(async () => {
    monitorPort = await freePort();
    nats = await startNatsServer({ extraConfig: `http: 127.0.0.1:${monitorPort}` });
    stack = await startTitanStack({ nats });
    sshd = await startSshd({ dockerHost: stack.docker.host });
    const deployment = (docker: Record<string, unknown>) => ({
      nats: { servers: [nats.url], user: NATS_USERS.brain.user, pass: NATS_USERS.brain.pass },
      docker,
      brain: { url: `http://127.0.0.1:${stack.brainPort}`, hmacSecret: HMAC_SECRET, jwtSecret: JWT_SECRET },
      execution: { url: `http://127.0.0.1:${stack.executionPort}` },
      contract: { containers: { execution: stack.names.execution, brain: stack.names.brain } },
    });
    const file = join(stack.auditDir, 'contexts.json');
    writeFileSync(
      file,
      JSON.stringify({
        operator: 'tester',
        audit: { dir: stack.auditDir },
        probes: { intervalMs: 500 },
        actions: { verifyTimeoutMs: 4000, followUpMs: 60_000 },
        context: 'local',
        contexts: {
          local: { color: 'green', ...deployment({ host: stack.docker.host }) },
          vps: {
            production: true,
            ...deployment({ host: sshd.url, ssh: { identityFile: sshd.identityFile, knownHostsFile: sshd.knownHostsFile } }),
          },
        },
      }),
    );
    // The shell's DOCKER_HOST / NATS_URL must not leak into a context: set them to nowhere.
    loaded = loadConfig({ configFile: file, env: { DOCKER_HOST: 'unix:///nowhere.sock', NATS_URL: 'nats://127.0.0.1:1' } });
    const first = createRuntime(loaded);
    first.start();
    host = new RuntimeHost(first);
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    await sshd?.stop();
    await stack?.stop();
    await nats?.stop();
  });

  const ready = (rt: Runtime) =>
    waitFor(() => {
      const s = rt.store.getState();
      return (
        s.connections.nats.status === 'connected' &&
        s.containers.value.some((c) => c.name === stack.names.execution && c.state === 'running') &&
        s.haltFile.at !== null
      );
    }, 20_000);

  it('switches local -> vps (production, Docker over ssh) -> local; nothing of the old runtime stays', async () => {
    const local = host.current;
    expect(local.context).toEqual({ name: 'local', production: false, color: 'green' });
    await ready(local);
    expect(await natsClients(monitorPort)).toContain('titan-tui:tester:local');
    // A follow-up watch bound to the old runtime (an action's): it must end with the switch.
    const stillWatching = new Promise<boolean>((resolve) => {
      if (local.lifetime.aborted) resolve(false);
      local.lifetime.addEventListener('abort', () => resolve(false), { once: true });
      setTimeout(() => resolve(true), 30_000).unref();
    });
    // Armed in the old context; the new one must start SAFE.
    local.store.setState({ armedUntil: Date.now() + 60_000 });

    const events: string[] = [];
    host.onBeforeSwitch((next, prev) => events.push(`before ${prev.context?.name}->${next.context?.name}`));
    host.onSwitched((next, prev) => events.push(`after ${prev.context?.name}->${next.context?.name} stopped=${prev.stopped}`));
    const r = await host.switchTo('vps');
    expect(r, r.message).toMatchObject({ ok: true });
    expect(r.message).toMatch(/^context vps \(PRODUCTION\): SAFE; local's connections closed$/);
    expect(events).toEqual(['before local->vps', 'after local->vps stopped=true']);
    expect(local.stopped).toBe(true);
    expect(await stillWatching).toBe(false);

    const vps = host.current;
    expect(vps.context).toEqual({ name: 'vps', production: true, color: 'red' });
    expect(vps.store.getState().armedUntil).toBeNull();
    await ready(vps);
    expect(vps.store.getState().connections.docker.endpoint).toBe(`ssh://root@127.0.0.1:${sshd.port}`);
    await waitFor(async () => {
      const names = await natsClients(monitorPort);
      return names.includes('titan-tui:tester:vps') && !names.includes('titan-tui:tester:local');
    }, 10_000);
    expect(sshd.sessionPids().length).toBeGreaterThan(0);

    // An action in the production context: its audit record names the context.
    const layer = new ActionLayer(vps);
    const report = await layer.execute('halt', { reason: 'context drill' }, 'HALT', {
      enteredAt: Date.now(),
      progress: (x) => vps.store.emit({ type: 'action.report', report: x }),
    });
    expect(report.outcome, report.summary).toBe('VERIFIED');
    const resumed = await layer.execute('resume', {}, 'RESUME', { enteredAt: Date.now(), progress: () => undefined });
    expect(resumed.outcome).toBe('VERIFIED');
    layer.dispose();
    const audit = readFileSync(join(stack.auditDir, 'audit.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEntry);
    expect(audit.find((e) => e.id === report.id)).toMatchObject({ action: 'halt', context: 'vps', outcome: 'VERIFIED' });

    const back = await host.switchTo('local');
    expect(back.ok, back.message).toBe(true);
    expect(vps.stopped).toBe(true);
    // The production context's SSH sessions are gone from the server.
    await waitFor(() => sshd.sessionPids().length === 0, 10_000);
    await ready(host.current);
    await waitFor(async () => !(await natsClients(monitorPort)).includes('titan-tui:tester:vps'), 10_000);
  }, 90_000);

  it('refuses, and changes nothing: the same context, an unknown one, while something runs', async () => {
    const before = host.current;
    expect(await host.switchTo('local')).toEqual({ ok: false, message: 'already in context local' });
    expect(await host.switchTo('prod')).toEqual({ ok: false, message: 'no context "prod"; contexts: local, vps' });
    host.busy = () => 'an action is running: wait for its report';
    expect(await host.switchTo('vps')).toEqual({ ok: false, message: 'not switched: an action is running: wait for its report' });
    host.busy = null;
    expect(host.current).toBe(before);
    expect(before.stopped).toBe(false);
    expect(host.describe()).toBe('context local; :context NAME switches to one of: local, vps (production)');
  });

  it('status --all-contexts: every context read at once, each marked', async () => {
    const all = await allContextsStatus(loaded, { create: createRuntime, settle, settleMs: 5000 });
    expect(all.contexts.map((c) => [c.context, c.production, c.ok])).toEqual([
      ['local', false, true],
      ['vps', true, true],
    ]);
    expect(all.ok).toBe(true);
    const vps = all.contexts[1];
    expect(vps && 'connections' in vps ? vps.connections.docker.endpoint : '').toBe(`ssh://root@127.0.0.1:${sshd.port}`);
  }, 60_000);
});
