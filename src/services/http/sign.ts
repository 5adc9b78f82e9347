import { createHmac } from 'node:crypto';
import { registerMinted } from '../redact.js';

/**
 * Request signing for titan-brain (contract §4.1, §11).
 * Brain's global HMAC hook checks x-signature over "{x-timestamp}.{rawBody}" with x-timestamp in unix
 * SECONDS (a millisecond timestamp is rejected as "too far in future"). Admin routes also need a
 * Bearer HS256 JWT with role admin, signed with JWT_SECRET (else HMAC_SECRET): we mint it ourselves.
 */

export interface HmacHeaders {
  'x-timestamp': string;
  'x-signature': string;
}

/** Signs the exact request bytes. For a GET without a body, rawBody is ''. */
export function hmacHeaders(secret: string, rawBody: string, nowSec = Math.floor(Date.now() / 1000)): HmacHeaders {
  const timestamp = String(Math.floor(nowSec));
  const signature = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
  // Whatever echoes our headers back (an error page, a proxy) must not put the signature on screen.
  registerMinted(signature);
  return { 'x-timestamp': timestamp, 'x-signature': signature };
}

export interface AdminJwtOptions {
  operatorId: string;
  /** Lifetime in seconds; short by default because a leaked token is as good as the secret until it expires. */
  ttlSec?: number;
  role?: string;
  /** Issue time, unix seconds. */
  now?: number;
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** An HS256 JWT `{operatorId, role, iat, exp}` that brain's requireRole('admin') accepts. */
export function mintAdminJwt(secret: string, opts: AdminJwtOptions): string {
  if (!secret) throw new TypeError('mintAdminJwt: secret is empty');
  if (!opts.operatorId) throw new TypeError('mintAdminJwt: operatorId is empty');
  const ttlSec = opts.ttlSec ?? 300;
  if (!Number.isFinite(ttlSec) || ttlSec <= 0) throw new RangeError('mintAdminJwt: ttlSec must be a positive number');
  const iat = Math.floor(opts.now ?? Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({ operatorId: opts.operatorId, role: opts.role ?? 'admin', iat, exp: iat + Math.floor(ttlSec) }),
  );
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  const token = `${header}.${payload}.${signature}`;
  // The token is as good as the secret until it expires: masked wherever it would be shown.
  registerMinted(token);
  return token;
}
