/** Turns errors from nats.js, the OS or the network into short, safe, operator-readable text. */

const MAX_LEN = 240;

/** Removes terminal control characters (a hostile payload must not repaint the cockpit) and caps length. */
export function printable(text: string, max = MAX_LEN): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Replaces every secret (and any user:pass@ in a URL) with '***'. Secrets shorter than 3 chars are too ambiguous to scrub by value. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text.replace(/(\w+:\/\/)[^/@\s]*@/g, '$1***@');
  for (const s of secrets) {
    if (s && s.length >= 3) out = out.split(s).join('***');
  }
  return out;
}

function parseServer(server: string): URL | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `nats://${server}`;
  try {
    return new URL(withScheme);
  } catch {
    return null;
  }
}

/** `nats://user:pw@host:4222` -> `host:4222`; never echoes credentials. */
export function endpointOf(server: string): string {
  const u = parseServer(server);
  return u ? `${u.hostname}:${u.port || '4222'}` : printable(server.replace(/^.*@/, ''), 80);
}

/** Bare host name or IP of a server URL (IPv6 without brackets), or null when unparseable. */
export function hostnameOf(server: string): string | null {
  const h = parseServer(server)?.hostname;
  return h ? h.replace(/^\[(.*)\]$/, '$1') : null;
}

/** The most useful message of an error chain: nats.js wraps OS errors (ECONNREFUSED, ENOTFOUND) in `cause`. */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const causeCode = (cause as { code?: unknown } | undefined)?.code;
  let text = err.message || err.name;
  if (typeof code === 'string' && !text.includes(code)) text = `${text} (${code})`;
  else if (typeof causeCode === 'string' && !text.includes(causeCode)) text = `${text} (${causeCode})`;
  if (err.name === 'TimeoutError' || text === 'timeout') text = 'timed out waiting for the server';
  return text;
}
