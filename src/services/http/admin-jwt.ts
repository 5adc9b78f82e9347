/**
 * The admin JWT the breaker reset sends, in one place: the configured `brain.jwt`, else one minted
 * from brain.jwtSecret (else the HMAC secret, as brain itself falls back). Its claims are read
 * locally, since brain's whoami lists no roles even for an admin: role and expiry are checked here.
 */
import type { Config } from '../../config/schema.js';
import { mintAdminJwt } from './sign.js';

export function brainAdminJwt(brain: Config['brain'], operator: string): string | undefined {
  if (brain.jwt) return brain.jwt;
  const secret = brain.jwtSecret ?? brain.hmacSecret;
  return secret ? mintAdminJwt(secret, { operatorId: operator }) : undefined;
}

export type JwtProblem = { ok: true } | { ok: false; why: string };

/** Role admin/superadmin and not expired (nor about to: a reset must not fail mid-way). */
export function adminJwtProblem(token: string, nowMs = Date.now(), marginSec = 30): JwtProblem {
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { ok: false, why: 'the admin JWT is not a readable JWT' };
  }
  if (typeof claims !== 'object' || claims === null) return { ok: false, why: 'the admin JWT has no claims' };
  const roles = Array.isArray(claims.role) ? claims.role : [claims.role];
  if (!roles.includes('admin') && !roles.includes('superadmin'))
    return { ok: false, why: `the admin JWT has role ${JSON.stringify(claims.role ?? null)}; the breaker reset needs admin` };
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= nowMs + marginSec * 1000) {
    const when = new Date(claims.exp * 1000).toISOString();
    return { ok: false, why: claims.exp * 1000 <= nowMs ? `the admin JWT expired at ${when}` : `the admin JWT expires at ${when}` };
  }
  return { ok: true };
}
