/**
 * What `$SYS.REQ.USER.INFO` (NATS 2.10 and later) says a user may publish, and whether that covers
 * one subject, with NATS's own wildcard rules (`*` one token, `>` one or more trailing tokens).
 */
export interface PublishPermissions {
  allow: string[] | null;
  deny: string[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The answer's `data.permissions.publish`; no permissions at all means everything is allowed. */
export function parseUserInfo(answer: unknown): { ok: true; user: string; publish: PublishPermissions } | { ok: false; error: string } {
  if (!isObj(answer)) return { ok: false, error: 'USER.INFO answer is not a JSON object' };
  if (isObj(answer.error)) return { ok: false, error: `server error: ${String(answer.error.description ?? answer.error.code ?? '?')}` };
  const data = answer.data;
  if (!isObj(data)) return { ok: false, error: 'USER.INFO answer has no data' };
  const user = typeof data.user === 'string' ? data.user : '?';
  const pub = isObj(data.permissions) && isObj(data.permissions.publish) ? data.permissions.publish : null;
  if (!pub) return { ok: true, user, publish: { allow: null, deny: [] } };
  const allow = Array.isArray(pub.allow) ? strings(pub.allow) : null;
  return { ok: true, user, publish: { allow, deny: strings(pub.deny) } };
}

export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

export function mayPublish(perms: PublishPermissions, subject: string): boolean {
  if (perms.deny.some((d) => subjectMatches(d, subject))) return false;
  return perms.allow === null || perms.allow.some((a) => subjectMatches(a, subject));
}
