/** brain's 401 `details` reach the operator: an expired token and a wrong key read differently. */
import { describe, expect, it } from 'vitest';
import { describeRefusal } from '../../src/services/http/refusal.js';

describe('describeRefusal', () => {
  it("shows brain's details and a hint that fits them", () => {
    const expired = describeRefusal(401, { error: 'Invalid or expired token', details: 'Token verification failed: jwt expired' }, '');
    const forged = describeRefusal(401, { error: 'Invalid or expired token', details: 'Token verification failed: invalid signature' }, '');
    expect(expired.why).toBe('Invalid or expired token: Token verification failed: jwt expired');
    expect(forged.why).toBe('Invalid or expired token: Token verification failed: invalid signature');
    expect(expired.hint).toMatch(/expired/);
    expect(forged.hint).toMatch(/JWT_SECRET/);
    expect(expired.hint).not.toBe(forged.hint);
  });

  it('HMAC refusals keep their message; 403 names the role', () => {
    const hmac = describeRefusal(401, { error: 'Unauthorized', message: 'Invalid signature', timestamp: '2026-01-01T00:00:00Z' }, '');
    expect(hmac.why).toBe('Unauthorized: Invalid signature');
    expect(hmac.hint).toMatch(/brain.hmacSecret/);
    const clock = describeRefusal(
      401,
      { error: 'Unauthorized', message: 'Timestamp too old or too far in future (age: 900s, tolerance: 300s)' },
      '',
    );
    expect(clock.hint).toMatch(/clock/);
    expect(describeRefusal(403, { error: 'Insufficient permissions' }, '').hint).toBe('the JWT needs role admin');
    expect(describeRefusal(500, { error: 'boom' }, '').hint).toBeUndefined();
  });

  it('sanitizes and caps what the network sent; falls back to the raw text', () => {
    const hostile = describeRefusal(401, { error: 'x', details: `\x1b]0;pwned\x07${'d'.repeat(1000)}` }, '');
    expect(hostile.why).not.toMatch(/[\x00-\x1f]/);
    expect(hostile.why.length).toBeLessThan(200);
    expect(describeRefusal(401, null, 'not json\nat all').why).toBe('not json at all');
    expect(describeRefusal(401, null, '').why).toBe('(empty body)');
    expect(describeRefusal(401, { error: 42, details: ['a'] }, 'raw').why).toBe('raw');
  });
});
