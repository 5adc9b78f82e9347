/**
 * brain's refusals in operator words. Its 401/403 bodies (contract §11) are `{error, message?}`
 * for the HMAC guard and `{error, details?}` for the admin JWT guard; `details` is what tells
 * `Token verification failed: jwt expired` from `…: invalid signature`, so it is always shown.
 * The body comes from the network: control characters removed, secrets scrubbed (again: the HTTP
 * client already redacts bodies), length capped.
 */
import { printable } from '../../text/safe-text.js';
import { redact } from '../redact.js';

const MAX_PART_CHARS = 160;

export interface Refusal {
  /** `error: message: details`, sanitized; the raw text when the body has none of them. */
  why: string;
  /** What to check, when the status and the words say it. */
  hint?: string;
}

export function describeRefusal(status: number, body: unknown, text: string): Refusal {
  const o = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const part = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? printable(redact(v), MAX_PART_CHARS) : null);
  const parts = [part(o.error), part(o.message), part(o.details)].filter((p): p is string => p !== null);
  const why = parts.length ? parts.join(': ') : printable(redact(text), MAX_PART_CHARS * 2) || '(empty body)';
  return { why, hint: hintFor(status, part(o.details) ?? '', why) };
}

function hintFor(status: number, details: string, why: string): string | undefined {
  if (status === 403) return 'the JWT needs role admin';
  if (status !== 401) return undefined;
  if (/expired/i.test(details))
    return "the admin JWT has expired: renew brain.jwt, or unset it so the cockpit mints one from brain.jwtSecret; check this host's clock";
  if (/signature/i.test(details))
    return "the admin JWT is not signed with brain's key: brain.jwtSecret must equal brain's JWT_SECRET (else HMAC_SECRET)";
  if (/timestamp/i.test(why)) return "brain refused the request time: check this host's clock against brain's (tolerance 300 s)";
  return "check brain.hmacSecret / brain.jwtSecret against brain's HMAC_SECRET / JWT_SECRET";
}
