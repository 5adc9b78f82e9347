/**
 * The brain's two HTTP guards, reproduced with node:crypto:
 * - the global HMAC hook (HMACValidator.validateRequest, contract §4.1/§11),
 * - the admin guard (AuthMiddleware.verifyToken + requireRole('admin'), HS* JWT like jsonwebtoken).
 * Error texts are the exact ones the real brain returns.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type HmacResult = { valid: true } | { valid: false; error: string };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Same checks, same order and same messages as HMACValidator.validateRequest. */
export function validateHmac(
  rawBody: string,
  headers: IncomingHttpHeaders,
  secret: string,
  toleranceSec = 300,
  nowMs = Date.now(),
): HmacResult {
  const signature = header(headers, 'x-signature');
  if (!signature) return { valid: false, error: 'Missing x-signature header' };
  const tsText = header(headers, 'x-timestamp');
  if (!tsText) return { valid: false, error: 'Missing x-timestamp header' };
  const ts = Number.parseInt(tsText, 10);
  if (Number.isNaN(ts)) return { valid: false, error: 'Invalid timestamp format' };
  const age = Math.floor(nowMs / 1000) - ts;
  if (Math.abs(age) > toleranceSec) {
    return { valid: false, error: `Timestamp too old or too far in future (age: ${age}s, tolerance: ${toleranceSec}s)` };
  }
  if (!/^[a-fA-F0-9]+$/.test(signature)) return { valid: false, error: 'Invalid signature format' };
  const expected = createHmac('sha256', secret).update(`${ts}.${rawBody}`, 'utf8').digest('hex');
  if (signature.length !== expected.length) return { valid: false, error: 'Invalid signature' };
  const a = Buffer.from(signature, 'hex');
  const b = Buffer.from(expected, 'hex');
  const ok = a.length === b.length && timingSafeEqual(a, b);
  return ok ? { valid: true } : { valid: false, error: 'Invalid signature' };
}

export type JwtResult = { ok: true; payload: Record<string, unknown> } | { ok: false; message: string };

const HS_ALGS: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function decodePart(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** jwt.verify(token, secret) for a string secret: HS256/384/512 only, exp and nbf checked. */
export function verifyJwt(token: string, secret: string, nowMs = Date.now()): JwtResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, message: 'jwt malformed' };
  const [h = '', p = '', s = ''] = parts;
  const head = decodePart(h);
  const payload = decodePart(p);
  if (!isRecord(head) || !isRecord(payload)) return { ok: false, message: 'invalid token' };
  if (!s) return { ok: false, message: 'jwt signature is required' };
  const alg = typeof head.alg === 'string' ? HS_ALGS[head.alg] : undefined;
  if (!alg) return { ok: false, message: 'invalid algorithm' };
  const expected = createHmac(alg, secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, message: 'invalid signature' };
  const nowSec = Math.floor(nowMs / 1000);
  if (payload.nbf !== undefined) {
    if (typeof payload.nbf !== 'number') return { ok: false, message: 'invalid nbf value' };
    if (payload.nbf > nowSec) return { ok: false, message: 'jwt not active' };
  }
  if (payload.exp !== undefined) {
    if (typeof payload.exp !== 'number') return { ok: false, message: 'invalid exp value' };
    if (nowSec >= payload.exp) return { ok: false, message: 'jwt expired' };
  }
  return { ok: true, payload };
}

export type GuardResult = { ok: true; claims: Record<string, unknown> } | { ok: false; status: 401 | 403; body: Record<string, unknown> };

/** verifyToken alone (routes that need a valid token but no role, like GET /auth/whoami). */
export function tokenGuard(authorization: string | undefined, secret: string, nowMs = Date.now()): GuardResult {
  if (!authorization) return { ok: false, status: 401, body: { error: 'Missing Authorization header' } };
  const [scheme, token] = authorization.split(' ');
  if (scheme !== 'Bearer' || !token) return { ok: false, status: 401, body: { error: 'Invalid Authorization header format' } };
  const v = verifyJwt(token, secret, nowMs);
  if (!v.ok) {
    return { ok: false, status: 401, body: { error: 'Invalid or expired token', details: `Token verification failed: ${v.message}` } };
  }
  return { ok: true, claims: v.payload };
}

/** verifyToken then requireRole('admin'): admin or superadmin, role as a string or an array. */
export function adminGuard(authorization: string | undefined, secret: string, nowMs = Date.now()): GuardResult {
  const v = tokenGuard(authorization, secret, nowMs);
  if (!v.ok) return v;
  const role = v.claims.role;
  const roles = Array.isArray(role) ? role : [role];
  if (!roles.includes('admin') && !roles.includes('superadmin')) {
    return { ok: false, status: 403, body: { error: 'Insufficient permissions' } };
  }
  return { ok: true, claims: v.claims };
}
