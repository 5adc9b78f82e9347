/**
 * The one redaction layer. Every text that leaves the process (screen, stdout/stderr, --json, the
 * audit file, the NATS audit mirror, procedure output, HTTP error details) passes through here.
 *
 * It removes:
 * - every configured secret (registered when the configuration is loaded, and by the clients that
 *   use one), and the passwords found in configured URLs;
 * - every token the cockpit mints (the admin JWT of a breaker reset, each HMAC x-signature); those
 *   are only valid for minutes, so they are forgotten after MINTED_TTL_MS (bounded memory);
 * - Authorization / x-signature / cookie / api-key values wherever a header is echoed, Bearer
 *   tokens, anything shaped like a JWT;
 * - the password in URL userinfo (`scheme://user:pass@host` → `scheme://user:***@host`).
 */

export const MASK = '***';

/** Shorter values are too ambiguous to scrub by value (they would mask ordinary words). */
const MIN_SECRET_LENGTH = 3;
const MINTED_TTL_MS = 15 * 60_000;
const MINTED_MAX = 512;

const configured = new Set<string>();
/** Minted token → forget after (epoch ms). Insertion order is age order. */
const minted = new Map<string, number>();
let ordered: string[] | null = null;

/** A secret the process knows for its whole life (a configured password, HMAC secret, JWT). */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || configured.has(value)) return;
  configured.add(value);
  ordered = null;
}

/** A token the process minted (JWT, signature): masked until it has long expired. */
export function registerMinted(value: string, ttlMs = MINTED_TTL_MS): void {
  if (value.length < MIN_SECRET_LENGTH) return;
  minted.delete(value);
  minted.set(value, Date.now() + ttlMs);
  while (minted.size > MINTED_MAX) minted.delete(minted.keys().next().value as string);
  ordered = null;
}

function secrets(): string[] {
  const now = Date.now();
  for (const [v, until] of minted) {
    if (until > now) break;
    minted.delete(v);
    ordered = null;
  }
  // Longest first: a secret that contains another is masked whole.
  ordered ??= [...configured, ...minted.keys()].sort((a, b) => b.length - a.length);
  return ordered;
}

// `scheme://user:password@` and `scheme://token@`; ssh://user@host names a login, not a secret.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:'"]*)(?::([^\s/@'"]*))?@/gi;
// A header (or JSON key) whose value is a credential, then its value (scheme word kept).
const CREDENTIAL_HEADER =
  /\b((?:proxy-)?authorization|x-signature|x-api-key|x-auth-token|api[-_]?key|cookie|set-cookie)(\\?["']?\s*[:=]\s*\\?["']?)((?:bearer|basic|token|digest)\s+)?[^\s"'\\,;}]+/gi;
const BEARER = /\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi;
const JWT_SHAPE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g;

/** The password of a URL's userinfo (to register as a secret), or undefined. */
export function urlPassword(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:([^\s/@]+)@/i.exec(url.trim());
  if (!m?.[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/** Masks credentials in URL userinfo only (for showing configured URLs). */
export function redactUrl(text: string): string {
  return text.replace(URL_USERINFO, (_m, scheme: string, user: string, pass: string | undefined) => {
    if (pass !== undefined) return `${scheme}${user}:${MASK}@`;
    return /^ssh:/i.test(scheme) ? `${scheme}${user}@` : `${scheme}${MASK}@`;
  });
}

/** Every rule above applied to one text. Cheap when there is nothing to mask. */
export function redact(text: string): string {
  if (!text) return text;
  let out = text;
  for (const s of secrets()) if (out.includes(s)) out = out.split(s).join(MASK);
  if (out.includes('://')) out = redactUrl(out);
  out = out.replace(
    CREDENTIAL_HEADER,
    (_m, name: string, sep: string, scheme: string | undefined) => `${name}${sep}${scheme ?? ''}${MASK}`,
  );
  out = out.replace(BEARER, `$1 ${MASK}`);
  return out.replace(JWT_SHAPE, MASK);
}

/** A deep copy with every string (keys included) redacted: for JSON that leaves the process. */
export function redactValue<T>(value: T): T {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redact(v);
    if (depth > 32 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      // A credential header echoed as a JSON key: mask its value whole.
      out[redact(k)] =
        /^((proxy-)?authorization|x-signature|x-api-key|cookie|set-cookie)$/i.test(k) && typeof x === 'string' ? MASK : walk(x, depth + 1);
    }
    return out;
  };
  return walk(value, 0) as T;
}
