import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacHeaders, mintAdminJwt } from '../../src/services/http/sign.js';

const SECRET = 'test-secret-123';
const NOW_SEC = 1_767_225_600; // 2026-01-01T00:00:00Z

describe('hmacHeaders (brain global HMAC hook, contract §4.1)', () => {
  it('signs "{seconds}.{rawBody}" — vector computed independently with openssl and node:crypto', () => {
    const raw = '{"operatorId":"op-1"}';
    const h = hmacHeaders(SECRET, raw, NOW_SEC);
    expect(h['x-timestamp']).toBe('1767225600');
    // printf '%s' '1767225600.{"operatorId":"op-1"}' | openssl dgst -sha256 -hmac 'test-secret-123'
    expect(h['x-signature']).toBe('0a08fdc84375381f011b3d30afa21bbe8b33d79633763a964ce36aa688c2a7ab');
    const expected = createHmac('sha256', SECRET).update(`${NOW_SEC}.${raw}`).digest('hex');
    expect(h['x-signature']).toBe(expected);
  });

  it('signs the empty string for a GET without a body', () => {
    const h = hmacHeaders(SECRET, '', NOW_SEC);
    expect(h['x-signature']).toBe('eb0bddd0959718aaa0ee43298e4a6670659e603d1c1d421d86c4951f3b3fad2b');
  });

  it('stamps the current time in unix seconds, not milliseconds (brain rejects ms)', () => {
    const before = Math.floor(Date.now() / 1000);
    const h = hmacHeaders(SECRET, '');
    const after = Math.floor(Date.now() / 1000);
    expect(h['x-timestamp']).toMatch(/^\d{10}$/);
    const ts = Number(h['x-timestamp']);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(after);
  });

  it('depends on every byte of the body and on the secret', () => {
    const a = hmacHeaders(SECRET, '{"a":1}', NOW_SEC)['x-signature'];
    expect(hmacHeaders(SECRET, '{"a": 1}', NOW_SEC)['x-signature']).not.toBe(a);
    expect(hmacHeaders('other-secret', '{"a":1}', NOW_SEC)['x-signature']).not.toBe(a);
    expect(hmacHeaders(SECRET, '{"a":1}', NOW_SEC + 1)['x-signature']).not.toBe(a);
  });
});

function decodeJwt(token: string) {
  const parts = token.split('.');
  expect(parts).toHaveLength(3);
  const [h, p, s] = parts as [string, string, string];
  const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: json(h), payload: json(p), signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

describe('mintAdminJwt (HS256, contract §4.1/§11)', () => {
  it('produces a token whose HS256 signature verifies with the secret and whose claims are admin', () => {
    const token = mintAdminJwt(SECRET, { operatorId: 'alice', now: NOW_SEC });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/); // base64url, no padding
    const { header, payload, signingInput, signature } = decodeJwt(token);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toEqual({ operatorId: 'alice', role: 'admin', iat: NOW_SEC, exp: NOW_SEC + 300 });
    const expected = createHmac('sha256', SECRET).update(signingInput).digest();
    expect(signature.length).toBe(32);
    expect(timingSafeEqual(signature, expected)).toBe(true);
    const wrong = createHmac('sha256', 'not-the-secret').update(signingInput).digest();
    expect(timingSafeEqual(signature, wrong)).toBe(false);
  });

  it('honours ttlSec, role and defaults iat to now (seconds)', () => {
    const { payload } = decodeJwt(mintAdminJwt(SECRET, { operatorId: 'bob', ttlSec: 60, role: 'superadmin', now: NOW_SEC }));
    expect(payload).toMatchObject({ operatorId: 'bob', role: 'superadmin', exp: NOW_SEC + 60 });
    const nowSec = Math.floor(Date.now() / 1000);
    const fresh = decodeJwt(mintAdminJwt(SECRET, { operatorId: 'bob' })).payload;
    expect(Math.abs((fresh.iat as number) - nowSec)).toBeLessThanOrEqual(1);
    expect((fresh.exp as number) - (fresh.iat as number)).toBe(300);
  });

  it('refuses to mint with an empty secret or operator', () => {
    expect(() => mintAdminJwt('', { operatorId: 'x' })).toThrow(/secret/);
    expect(() => mintAdminJwt(SECRET, { operatorId: '' })).toThrow(/operatorId/);
  });
});
