/**
 * The HTTP client against real servers on 127.0.0.1: time limits per phase, size cap, signing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeHttpAgent, httpRequest } from '../../src/services/http/client.js';
import { mintAdminJwt } from '../../src/services/http/sign.js';
import { json, rawBody, startHttpServer, type TestServer } from '../helpers/http-server.js';
import { freePort, waitFor } from '../helpers/ports.js';

const SECRET = 'brain-hmac-secret-xyz';
const servers: TestServer[] = [];
const serve = async (...a: Parameters<typeof startHttpServer>) => {
  const s = await startHttpServer(...a);
  servers.push(s);
  return s;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await closeHttpAgent();
});

describe('httpRequest time limits', () => {
  it('a hung endpoint (accepts, never answers) times out at the headers limit, not later', async () => {
    const hung = await serve(() => undefined);
    const t0 = performance.now();
    const r = await httpRequest({
      url: hung.url,
      method: 'GET',
      path: '/health',
      auth: { hmac: false, jwt: false },
      headersTimeoutMs: 800,
      totalTimeoutMs: 3000,
    });
    const elapsed = performance.now() - t0;
    expect(r.kind).toBe('timeout');
    expect(r.kind !== 'response' && r.detail).toMatch(/no response headers within 800 ms \(headers timeout\)/);
    expect(elapsed).toBeGreaterThanOrEqual(800);
    expect(elapsed).toBeLessThan(1300);
    expect(hung.hits).toBe(1);
  });

  it('a hung endpoint with default limits gives up within 2000–2500 ms', async () => {
    const hung = await serve(() => undefined);
    const t0 = performance.now();
    const r = await httpRequest({ url: hung.url, method: 'GET', path: '/health', auth: { hmac: false, jwt: false } });
    const elapsed = performance.now() - t0;
    expect(r.kind).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(2500);
  });

  it('a server that sends headers then trickles the body byte by byte is cut at totalTimeoutMs', async () => {
    let bytesSent = 0;
    const trickle = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      const timer = setInterval(() => {
        bytesSent++;
        res.write(' ');
      }, 50);
      res.on('close', () => clearInterval(timer));
    });
    const t0 = performance.now();
    // The body idle limit (2000 ms) is never reached: only the total limit can stop this.
    const r = await httpRequest({
      url: trickle.url,
      method: 'GET',
      path: '/health',
      auth: { hmac: false, jwt: false },
      totalTimeoutMs: 1000,
    });
    const elapsed = performance.now() - t0;
    expect(r.kind).toBe('timeout');
    expect(r.kind !== 'response' && r.detail).toMatch(/within 1000 ms \(total timeout, while reading the response body\)/);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(1500);
    expect(bytesSent).toBeGreaterThan(5); // it really was trickling
  });

  it('a body that stalls longer than bodyTimeoutMs times out on the body limit', async () => {
    const stall = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":');
    });
    const r = await httpRequest({ url: stall.url, method: 'GET', path: '/health', auth: { hmac: false, jwt: false }, bodyTimeoutMs: 300 });
    expect(r.kind).toBe('timeout');
    expect(r.kind !== 'response' && r.detail).toMatch(/stopped sending the response body for 300 ms \(body timeout\)/);
    expect(r.latencyMs).toBeLessThan(800);
  });

  it('a closed port is refused fast', async () => {
    const port = await freePort();
    const r = await httpRequest({ url: `http://127.0.0.1:${port}`, method: 'GET', path: '/health', auth: { hmac: false, jwt: false } });
    expect(r.kind).toBe('refused');
    expect(r.kind !== 'response' && r.detail).toContain(`127.0.0.1:${port}`);
    expect(r.latencyMs).toBeLessThan(500);
  });

  it('never echoes URL credentials or secrets in error text', async () => {
    const port = await freePort();
    const r = await httpRequest({
      url: `http://opsuser:url-password-77@127.0.0.1:${port}`,
      method: 'GET',
      path: '/breaker',
      auth: { hmac: true, jwt: true },
      hmacSecret: SECRET,
      jwt: 'jwt-token-value',
    });
    expect(r.kind).toBe('refused');
    const detail = r.kind !== 'response' ? r.detail : '';
    expect(detail).not.toContain('url-password-77');
    expect(detail).not.toContain(SECRET);
  });
});

describe('httpRequest size cap', () => {
  it('cuts a huge body at maxBodyBytes and closes the connection instead of reading it all', async () => {
    let written = 0;
    let closed = false;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const endless = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.on('close', () => {
        closed = true;
      });
      const pump = () => {
        while (!res.destroyed && written < 512 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      pump();
    });
    const r = await httpRequest({ url: endless.url, method: 'GET', path: '/status', auth: { hmac: false, jwt: false } });
    expect(r.kind).toBe('response');
    if (r.kind !== 'response') return;
    expect(r.status).toBe(200);
    expect(r.truncated).toBe(true);
    expect(r.body).toBeNull();
    expect(r.text.length).toBeLessThanOrEqual(500);
    expect(r.latencyMs).toBeLessThan(2000);
    await waitFor(() => closed, 3000); // the server sees the connection go away
    // 256 KiB read; the rest is what sat in socket buffers, far from the 512 MiB on offer.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it('reads a body of exactly maxBodyBytes whole', async () => {
    const body = JSON.stringify({ pad: 'y'.repeat(1000 - 10) });
    const exact = await serve((_req, res) => json(res, 200, body));
    const r = await httpRequest({
      url: exact.url,
      method: 'GET',
      path: '/x',
      auth: { hmac: false, jwt: false },
      maxBodyBytes: Buffer.byteLength(body),
    });
    expect(r.kind === 'response' && r.truncated).toBeFalsy();
    expect(r.kind === 'response' && r.body).toEqual(JSON.parse(body));
  });
});

describe('httpRequest signing', () => {
  interface Seen {
    method: string;
    url: string;
    headers: IncomingHttpHeaders;
    raw: Buffer;
  }
  const recorder = async () => {
    const seen: Seen[] = [];
    const s = await serve(async (req, res) => {
      const raw = await rawBody(req);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw });
      json(res, 200, { success: true });
    });
    return { s, seen };
  };
  /** What brain's HMACValidator does: HMAC over "{x-timestamp}.{exact raw bytes}", seconds within 300 s. */
  const brainAccepts = (h: IncomingHttpHeaders, raw: Buffer): boolean => {
    const ts = String(h['x-timestamp']);
    const sig = Buffer.from(String(h['x-signature']), 'hex');
    if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
    const expected = createHmac('sha256', SECRET)
      .update(Buffer.concat([Buffer.from(`${ts}.`), raw]))
      .digest();
    return sig.length === expected.length && timingSafeEqual(sig, expected);
  };

  it('signs exactly the bytes it sends (POST with non-ASCII JSON) and sends the Bearer token', async () => {
    const { s, seen } = await recorder();
    const jwt = mintAdminJwt('jwt-secret', { operatorId: 'zoë' });
    const body = { operatorId: 'zoë', reason: 'überprüfung ✓', n: 1.5 };
    const r = await httpRequest({
      url: s.url,
      method: 'POST',
      path: '/breaker/reset',
      body,
      auth: { hmac: true, jwt: true },
      hmacSecret: SECRET,
      jwt,
    });
    expect(r.kind === 'response' && r.status).toBe(200);
    expect(seen).toHaveLength(1);
    const got = seen[0] as Seen;
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/breaker/reset');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.raw.toString('utf8')).toBe(JSON.stringify(body));
    expect(brainAccepts(got.headers, got.raw)).toBe(true);
    expect(got.headers.authorization).toBe(`Bearer ${jwt}`);
    // A body altered by one byte would not verify: the check above is not vacuous.
    expect(brainAccepts(got.headers, Buffer.concat([got.raw, Buffer.from(' ')]))).toBe(false);
  });

  it('signs the empty body of a GET, keeping a base-URL path prefix', async () => {
    const { s, seen } = await recorder();
    const r = await httpRequest({
      url: `${s.url}/brain/`,
      method: 'GET',
      path: '/breaker',
      auth: { hmac: true, jwt: false },
      hmacSecret: SECRET,
    });
    expect(r.kind).toBe('response');
    const got = seen[0] as Seen;
    expect(got.url).toBe('/brain/breaker');
    expect(got.raw.length).toBe(0);
    expect(got.headers['content-type']).toBeUndefined();
    expect(got.headers.authorization).toBeUndefined();
    expect(brainAccepts(got.headers, Buffer.alloc(0))).toBe(true);
  });

  it('refuses to send a signed request without a secret, and says how to configure one', async () => {
    const { s } = await recorder();
    const r = await httpRequest({
      url: s.url,
      method: 'POST',
      path: '/risk/halt',
      body: { operatorId: 'x' },
      auth: { hmac: true, jwt: false },
    });
    expect(r.kind).toBe('error');
    expect(r.kind !== 'response' && r.detail).toBe('HMAC secret not configured (set TITAN_TUI_BRAIN_HMAC_SECRET or brain.hmacSecret)');
    expect(s.hits).toBe(0);
  });

  it('reports the status and parsed body of a 401', async () => {
    const s = await serve((_req, res) =>
      json(res, 401, { error: 'Unauthorized', message: 'Invalid signature', timestamp: new Date().toISOString() }),
    );
    const r = await httpRequest({ url: s.url, method: 'GET', path: '/breaker', auth: { hmac: true, jwt: false }, hmacSecret: SECRET });
    expect(r.kind === 'response' && r.status).toBe(401);
    expect(r.kind === 'response' && r.body).toMatchObject({ message: 'Invalid signature' });
  });
});
