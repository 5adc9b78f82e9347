/** Turns errors from nats.js, the OS or the network into short, safe, operator-readable text. */

const MAX_LEN = 240;

/** Removes terminal control characters (a hostile payload must not repaint the cockpit) and caps length. */
export function printable(text: string, max = MAX_LEN): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * One line with every control character made visible (`\n`, `\t`, `\x1b`, ...): for names from
 * outside (file names, container names) that must be shown exactly but cannot move the cursor,
 * set a title, or break a one-row-per-item layout.
 */
export function visibleControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

/** Serialized JSON with DEL, C1 controls and line separators escaped too (JSON.stringify leaves them raw; a terminal may act on C1). */
export function escapeJsonControls(json: string): string {
  return json.replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
