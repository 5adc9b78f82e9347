/**
 * Probes against real HTTP servers on 127.0.0.1 standing in for titan-brain and titan-execution-rs.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeHttpAgent } from '../../src/services/http/client.js';
import { Probes, type ProbeTarget } from '../../src/services/probes.js';
import type { CockpitEvent } from '../../src/state/events.js';
import type { ProbeResult } from '../../src/state/types.js';
import { json, startHttpServer, type TestServer } from '../helpers/http-server.js';
import { freePort, waitFor } from '../helpers/ports.js';

const servers: TestServer[] = [];
const probesList: Probes[] = [];
const serve = async (...a: Parameters<typeof startHttpServer>) => {
  const s = await startHttpServer(...a);
  servers.push(s);
  return s;
};
afterEach(async () => {
  for (const p of probesList.splice(0)) p.stop();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await closeHttpAgent();
});

function harness(targets: ProbeTarget[], opts: { intervalMs?: number; timeoutMs?: number } = {}) {
  const events: CockpitEvent[] = [];
  const probes = new Probes({ targets, emit: (e) => events.push(e), ...opts });
  probesList.push(probes);
  const of = <T extends CockpitEvent['type']>(type: T) => events.filter((e): e is Extract<CockpitEvent, { type: T }> => e.type === type);
  return { probes, events, of };
}

const target = (
  name: string,
  kind: ProbeTarget['kind'],
  url: string | null,
  path = kind === 'brain-status' ? '/status' : '/health',
): ProbeTarget => ({
  name,
  kind,
  path,
  resolveUrl: async () => url,
});

/** A server whose reply the test can change between probes. */
async function scripted(initial: { status: number; body: unknown }) {
  let reply = initial;
  const s = await serve((_req, res) => json(res, reply.status, reply.body));
  return {
    s,
    set: (r: { status: number; body: unknown }) => {
      reply = r;
    },
  };
}

describe('probe classification', () => {
  it('brain /health: healthy, degraded, unhealthy (503), with conn connected', async () => {
    const brain = await scripted({ status: 200, body: { status: 'healthy' } });
    const { probes, of } = harness([target('brain', 'brain-health', brain.s.url)]);

    const healthy = await probes.probeNow('brain');
    expect(healthy).toMatchObject({ name: 'brain', status: 'healthy', httpStatus: 200, url: `${brain.s.url}/health` });
    brain.set({ status: 200, body: { status: 'degraded' } });
    expect((await probes.probeNow('brain')).status).toBe('degraded');
    brain.set({ status: 503, body: { status: 'unhealthy' } });
    const sick = await probes.probeNow('brain');
    expect(sick).toMatchObject({ status: 'unhealthy', httpStatus: 503 });

    expect(of('probe').map((e) => e.result.status)).toEqual(['healthy', 'degraded', 'unhealthy']);
    // Reachability did not change across the three answers: exactly one conn event.
    const conns = of('conn');
    expect(conns).toHaveLength(1);
    expect(conns[0]).toMatchObject({ target: 'brain', state: { status: 'connected', endpoint: `127.0.0.1:${brain.s.port}` } });
  });

  it('execution /health: ok → healthy, 503 unhealthy → unhealthy with the NATS state', async () => {
    const exec = await scripted({ status: 200, body: { status: 'ok', version: '0.1.0', dependencies: { nats: 'Connected' } } });
    const { probes, of } = harness([target('execution', 'execution-health', exec.s.url)]);
    expect(await probes.probeNow('execution')).toMatchObject({ status: 'healthy', detail: 'nats: Connected' });
    exec.set({ status: 503, body: { status: 'unhealthy', dependencies: { nats: 'Disconnected' } } });
    expect(await probes.probeNow('execution')).toMatchObject({ status: 'unhealthy', httpStatus: 503, detail: 'nats: Disconnected' });
    expect(of('conn')[0]).toMatchObject({ target: 'execution', state: { status: 'connected' } });
  });

  it('401 → unauthorized with the server message; bad JSON, wrong shape and 404 → error with a readable detail', async () => {
    const brain = await scripted({ status: 401, body: { error: 'Unauthorized', message: 'Missing x-signature header' } });
    const { probes } = harness([target('brain', 'brain-health', brain.s.url)]);
    expect(await probes.probeNow('brain')).toMatchObject({
      status: 'unauthorized',
      httpStatus: 401,
      detail: 'HTTP 401: Unauthorized: Missing x-signature header',
    });
    brain.set({ status: 200, body: '<html>proxy error</html>' });
    expect(await probes.probeNow('brain')).toMatchObject({
      status: 'error',
      detail: 'HTTP 200 but the body is not JSON: <html>proxy error</html>',
    });
    brain.set({ status: 200, body: { status: 'ok' } }); // execution's shape on brain's port
    expect((await probes.probeNow('brain')).detail).toMatch(/^HTTP 200 but expected a brain \/health body .*got \{"status":"ok"\}$/);
    brain.set({ status: 404, body: { message: 'Route GET:/health not found' } });
    expect(await probes.probeNow('brain')).toMatchObject({
      status: 'error',
      httpStatus: 404,
      detail: expect.stringMatching(/^unexpected HTTP 404: /),
    });
  });

  it('brain /status: validates details.circuitBreaker and emits the breaker (unknown fields dropped, bad types ignored)', async () => {
    const brain = await scripted({
      status: 200,
      body: {
        mode: 'DEFENSIVE',
        reasons: [],
        details: {
          circuitBreaker: {
            active: true,
            type: 'HARD',
            action: 'FULL_HALT',
            reason: 'drawdown',
            triggeredAt: 1767225600000,
            tripCount: 'many',
            dailyDrawdown: 0,
            evil: { x: 1 },
          },
        },
      },
    });
    const { probes, of } = harness([target('brain-status', 'brain-status', brain.s.url)]);
    expect(await probes.probeNow('brain-status')).toMatchObject({ status: 'degraded', detail: 'mode DEFENSIVE' });
    const breakers = of('breaker');
    expect(breakers).toHaveLength(1);
    expect(breakers[0]).toMatchObject({ source: 'status' });
    expect(breakers[0]?.status).toEqual({
      active: true,
      type: 'HARD',
      action: 'FULL_HALT',
      reason: 'drawdown',
      triggeredAt: 1767225600000,
    });

    brain.set({ status: 200, body: { mode: 'NORMAL', details: { circuitBreaker: { active: 'no' } } } });
    expect((await probes.probeNow('brain-status')).status).toBe('healthy');
    expect(of('breaker.error').at(-1)?.error).toBe('/status details.circuitBreaker.active is not a boolean');

    brain.set({ status: 500, body: { mode: 'EMERGENCY', error: 'health check failed' } });
    expect(await probes.probeNow('brain-status')).toMatchObject({ status: 'unhealthy', httpStatus: 500 });
    expect(of('breaker.error').at(-1)?.error).toBe('/status answered HTTP 500 without details.circuitBreaker');
    expect(of('breaker')).toHaveLength(1);
  });

  it('an oversized body is an error, not a parse of half a document', async () => {
    const big = await serve((_req, res) => json(res, 200, { status: 'healthy', pad: 'z'.repeat(300 * 1024) }));
    const { probes } = harness([target('brain', 'brain-health', big.url)]);
    expect(await probes.probeNow('brain')).toMatchObject({ status: 'error', detail: expect.stringMatching(/oversized body/) });
  });
});

describe('probe failures and reachability', () => {
  it('a refused port → refused, fast, and the service is reported disconnected with the reason', async () => {
    const port = await freePort();
    const { probes, of } = harness([target('brain', 'brain-health', `http://127.0.0.1:${port}`)]);
    const r = await probes.probeNow('brain');
    expect(r.status).toBe('refused');
    expect(r.latencyMs).toBeLessThan(500);
    expect(of('conn')[0]).toMatchObject({
      target: 'brain',
      state: { status: 'disconnected', error: expect.stringMatching(/^\/health: connection refused by 127\.0\.0\.1:\d+/) },
    });
  });

  it('unknown address → error and disconnected, without sending anything', async () => {
    const { probes, of } = harness([target('execution', 'execution-health', null)]);
    expect(await probes.probeNow('execution')).toMatchObject({
      status: 'error',
      detail: expect.stringMatching(/address of execution unknown/),
    });
    expect(of('conn')[0]?.state.status).toBe('disconnected');
  });

  it('a hung endpoint → timeout within the limit; conn goes connected → disconnected → connected', async () => {
    let hang = false;
    const brain = await serve((_req, res) => {
      if (!hang) json(res, 200, { status: 'healthy' });
    });
    const { probes, of } = harness([target('brain', 'brain-health', brain.url)]); // default limits: 2000 ms per phase
    expect((await probes.probeNow('brain')).status).toBe('healthy');
    hang = true;
    const t0 = performance.now();
    const r = await probes.probeNow('brain');
    const elapsed = performance.now() - t0;
    expect(r.status).toBe('timeout');
    expect(r.detail).toMatch(/headers timeout/);
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(2500);
    hang = false;
    expect((await probes.probeNow('brain')).status).toBe('healthy');
    expect(of('conn').map((e) => e.state.status)).toEqual(['connected', 'disconnected', 'connected']);
    expect(of('conn')[1]?.state.error).toMatch(/^\/health: .*headers timeout/);
  });

  it('while one target hangs, another keeps being probed on schedule; the hung one never overlaps itself', async () => {
    let open = 0;
    let maxOpen = 0;
    const hung = await serve((req) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      req.socket.once('close', () => open--);
    });
    const exec = await serve((_req, res) => json(res, 200, { status: 'ok', dependencies: { nats: 'Connected' } }));
    const { probes, of } = harness([target('brain', 'brain-health', hung.url), target('execution', 'execution-health', exec.url)], {
      intervalMs: 100,
      timeoutMs: 1500,
    });
    const results = (name: string): ProbeResult[] =>
      of('probe')
        .map((e) => e.result)
        .filter((r) => r.name === name);

    const t0 = Date.now();
    probes.start();
    await waitFor(() => results('execution').length >= 6, 5000);
    const firstSix = results('execution').slice(0, 6);
    expect(firstSix.every((r) => r.status === 'healthy')).toBe(true);
    // All six arrived while brain's first probe was still hanging (it cannot finish before 1500 ms).
    expect(Date.now() - t0).toBeLessThan(1400);
    expect(results('brain')).toHaveLength(0);
    const gaps = firstSix.slice(1).map((r, i) => r.at - (firstSix[i] as ProbeResult).at);
    expect(Math.max(...gaps)).toBeLessThan(300);

    await waitFor(() => results('brain').length >= 2, 6000);
    expect(results('brain').every((r) => r.status === 'timeout')).toBe(true);
    expect(maxOpen).toBe(1);
    expect(hung.hits).toBeGreaterThanOrEqual(2);
    expect(results('execution').length).toBeGreaterThan(15);

    probes.stop();
    const count = of('probe').length;
    await new Promise((r) => setTimeout(r, 300)); // nothing may be reported after stop()
    expect(of('probe').length).toBe(count);
    // A manual probe after stop() still runs and reports.
    expect((await probes.probeNow('execution')).status).toBe('healthy');
    expect(of('probe').length).toBe(count + 1);
  });
});
