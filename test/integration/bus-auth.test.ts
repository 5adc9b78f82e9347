/** Bus authentication modes the shared harness does not cover: token, and TLS with a CA file. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Bus, type BusOptions } from '../../src/services/bus.js';
import type { CockpitEvent } from '../../src/state/events.js';
import { freePort, waitFor, waitForPort } from '../helpers/ports.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function natsServer(args: string[]): Promise<string> {
  const port = await freePort();
  const child: ChildProcess = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), ...args], { stdio: 'ignore' });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  );
  await waitForPort(port, 10_000);
  return `nats://127.0.0.1:${port}`;
}

function startBus(opts: BusOptions) {
  const events: CockpitEvent[] = [];
  const bus = new Bus({ backoff: { initialMs: 100, maxMs: 300 }, ...opts }, (e) => void events.push(e));
  cleanups.push(() => bus.stop());
  bus.start();
  const errors = () => events.flatMap((e) => (e.type === 'conn' && e.state.error ? [e.state.error] : []));
  return { bus, events, errors };
}

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('Bus authentication', () => {
  it('token: connects with the right token; a wrong one is reported without echoing it', async () => {
    const url = await natsServer(['--auth', 'right-token-123']);
    const good = startBus({ servers: [url], token: 'right-token-123' });
    await waitFor(() => good.bus.isConnected(), 5000);
    expect(await good.bus.publishCommand('titan.test.v1', {})).toMatchObject({ ok: true });

    const bad = startBus({ servers: [url], token: 'wrong-token-456' });
    await waitFor(() => bad.errors().length > 0, 5000);
    expect(bad.errors()[0]).toMatch(/Authorization Violation/i);
    expect(JSON.stringify(bad.events)).not.toContain('wrong-token-456');
  });

  it.skipIf(!hasOpenssl())('TLS: verifies the server against caFile; without it the failure is readable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bus-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const url = await natsServer(['--tls', '--tlscert', cert, '--tlskey', key]);

    const trusted = startBus({ servers: [url], tls: { caFile: cert } });
    await waitFor(() => trusted.bus.isConnected(), 5000);
    expect(await trusted.bus.publishCommand('titan.test.v1', { tls: true })).toMatchObject({ ok: true });

    const untrusted = startBus({ servers: [url], tls: {} });
    await waitFor(() => untrusted.errors().length > 0, 5000);
    expect(untrusted.bus.isConnected()).toBe(false);
    expect(untrusted.errors()[0]).toMatch(/certificate/i);

    const missing = startBus({ servers: [url], tls: { caFile: join(dir, 'nope.pem') } });
    await waitFor(() => missing.errors().length > 0, 5000);
    expect(missing.errors()[0]).toMatch(/cannot read TLS CA file .*nope\.pem \(ENOENT\)/);
  });
});
