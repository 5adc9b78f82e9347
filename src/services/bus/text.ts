/** Turns errors from nats.js, the OS or the network into short, safe, operator-readable text. */
import { printable } from '../../text/safe-text.js';

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
