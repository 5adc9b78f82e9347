/**
 * A breaker reset that brain refuses with 401 says why, in brain's own words: an expired token and
 * a token signed with the wrong key no longer both read "check secrets". A real HTTP server stands
 * in for brain; the real action layer runs the reset.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ActionLayer } from '../../src/actions/layer.js';
import { json, startHttpServer, type TestServer } from '../helpers/http-server.js';
import { type OfflineRuntime, offlineRuntime } from '../helpers/offline-runtime.js';

let server: TestServer | undefined;
let off: OfflineRuntime | undefined;
afterEach(async () => {
  await server?.close();
  await off?.cleanup();
  server = off = undefined;
});

async function resetAgainst(details: string) {
  server = await startHttpServer((_req, res) => json(res, 401, { error: 'Invalid or expired token', details }));
  off = offlineRuntime({ 'brain-url': server.url, 'brain-hmac-secret': 'h'.repeat(32), 'brain-jwt-secret': 'j'.repeat(32) });
  const layer = new ActionLayer(off.rt);
  try {
    return await layer.execute('breaker-reset', {}, 'RESET', { enteredAt: Date.now(), progress: () => {} });
  } finally {
    layer.dispose();
  }
}

describe("breaker reset refused by brain's admin guard", () => {
  it('jwt expired: the outcome shows the details and what to do about an expired token', async () => {
    const r = await resetAgainst('Token verification failed: jwt expired');
    expect(r.outcome).toBe('FAILED');
    expect(r.summary).toContain('HTTP 401 Invalid or expired token: Token verification failed: jwt expired');
    expect(r.channels[0]?.detail).toContain('Token verification failed: jwt expired');
    expect(r.next).toMatch(/has expired/);
  });

  it('invalid signature: the details, and the key to check', async () => {
    const r = await resetAgainst('Token verification failed: invalid signature');
    expect(r.summary).toContain('Token verification failed: invalid signature');
    expect(r.next).toMatch(/JWT_SECRET/);
    expect(r.next).not.toMatch(/expired/);
  });
});
