import { describe, expect, it } from 'vitest';
import { hmacHeaders, mintAdminJwt } from '../../src/services/http/sign.js';
import { MASK, redact, redactUrl, redactValue, registerSecret, urlPassword } from '../../src/services/redact.js';

describe('the one redaction layer', () => {
  it('masks registered secrets wherever they appear, the longest first', () => {
    registerSecret('hunter22-nats');
    registerSecret('hunter22');
    expect(redact('auth failed for hunter22-nats and hunter22')).toBe(`auth failed for ${MASK} and ${MASK}`);
    registerSecret('ab'); // too short to scrub by value
    expect(redact('tab')).toBe('tab');
  });

  it('masks the tokens it mints: the admin JWT and the HMAC signature', () => {
    const jwt = mintAdminJwt('jwt-secret-for-redact-test', { operatorId: 'alice' });
    const { 'x-signature': sig } = hmacHeaders('hmac-secret-for-redact-test', '{"a":1}');
    const echoed = `{"error":"Unauthorized","echo":{"x-sig":"${sig}","token":"${jwt.split('.').reverse().join('.')}","raw":"${jwt}"}}`;
    const out = redact(echoed);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain(sig);
  });

  it('masks credential headers, Bearer tokens and JWT-shaped strings it never saw', () => {
    const foreign = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXN0cmluZw';
    const body = `{"headers":{"authorization":"Bearer abc.def-123","x-signature":"deadbeef","cookie":"sid=1"},"t":"${foreign}"}`;
    const out = redact(body);
    expect(out).toContain(`"authorization":"Bearer ${MASK}"`);
    expect(out).toContain(`"x-signature":"${MASK}"`);
    expect(out).not.toContain('deadbeef');
    expect(out).not.toContain('sid=1');
    expect(out).not.toContain(foreign);
    expect(redact('Authorization: Basic dXNlcjpwYXNz')).toBe(`Authorization: Basic ${MASK}`);
    expect(redact('got bearer tok3n.value back')).toBe(`got bearer ${MASK} back`);
  });

  it('masks URL credentials, keeps the user and an ssh login', () => {
    expect(redactUrl('http://admin:pass@brain:3100/x')).toBe(`http://admin:${MASK}@brain:3100/x`);
    expect(redactUrl('nats://s3cret-token@h:4222')).toBe(`nats://${MASK}@h:4222`);
    expect(redactUrl('ssh://deploy@vps')).toBe('ssh://deploy@vps');
    expect(redact('dial tcp://u:p4ss@h:2376 failed')).toBe(`dial tcp://u:${MASK}@h:2376 failed`);
    expect(urlPassword('tcp://user:p%40ss@h:1')).toBe('p@ss');
    expect(urlPassword('unix:///var/run/docker.sock')).toBeUndefined();
  });

  it('redacts JSON values deep, keys included, leaving the shape', () => {
    registerSecret('deep-s3cret');
    const v = redactValue({ a: ['x deep-s3cret'], b: { authorization: 'Token zzz', n: 5, ok: true, nil: null } });
    expect(v).toEqual({ a: [`x ${MASK}`], b: { authorization: MASK, n: 5, ok: true, nil: null } });
  });
});
