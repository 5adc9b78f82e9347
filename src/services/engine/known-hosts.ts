/**
 * The OpenSSH known_hosts check for Docker over ssh://: the engine is reached only when the host's
 * key is listed (plain, wildcard or hashed host patterns; `[host]:port` for other ports), and never
 * when it is listed with another key (a changed key is what a man-in-the-middle looks like).
 */
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  marker: '@revoked' | '@cert-authority' | null;
  patterns: string[];
  keyType: string;
  key: Buffer;
}

export type HostKeyVerdict = { ok: true } | { ok: false; why: 'unknown' | 'mismatch' | 'revoked'; detail: string };

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = null;
    if (parts[0] === '@revoked' || parts[0] === '@cert-authority') marker = parts.shift() as KnownHostEntry['marker'];
    const [hosts, keyType, b64] = parts;
    if (!hosts || !keyType || !b64) continue;
    const key = Buffer.from(b64, 'base64');
    if (key.length === 0) continue;
    out.push({ marker, patterns: hosts.split(','), keyType, key });
  }
  return out;
}

/** How a host appears in known_hosts: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hashedMatch(pattern: string, name: string): boolean {
  const [, kind, salt, hash] = pattern.split('|');
  if (kind !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function wildcardMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(name);
}

/** OpenSSH's rule: a negated pattern that matches excludes the line, whatever else matches. */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  let hit = false;
  for (const p of entry.patterns) {
    if (p.startsWith('|')) {
      if (hashedMatch(p, name)) hit = true;
      continue;
    }
    const negated = p.startsWith('!');
    const body = negated ? p.slice(1) : p;
    if (wildcardMatch(body, name)) {
      if (negated) return false;
      hit = true;
    }
  }
  return hit;
}

/** The key types listed for the host (to offer them first in the key exchange), in file order. */
export function knownKeyTypes(entries: KnownHostEntry[], host: string, port: number): string[] {
  const name = knownHostName(host, port);
  const types: string[] = [];
  for (const e of entries) if (e.marker === null && entryMatches(e, name) && !types.includes(e.keyType)) types.push(e.keyType);
  return types;
}

/** `key` is the host key blob in SSH wire format, as the server sent it. */
export function verifyHostKey(entries: KnownHostEntry[], host: string, port: number, key: Buffer, file: string): HostKeyVerdict {
  const name = knownHostName(host, port);
  const mine = entries.filter((e) => entryMatches(e, name));
  if (mine.some((e) => e.marker === '@revoked' && e.key.equals(key)))
    return { ok: false, why: 'revoked', detail: `the host key of ${name} is marked @revoked in ${file}` };
  const plain = mine.filter((e) => e.marker === null);
  if (plain.some((e) => e.key.equals(key))) return { ok: true };
  const fingerprint = `SHA256:${sha256(key)}`;
  if (plain.length > 0)
    return {
      ok: false,
      why: 'mismatch',
      detail: `HOST KEY MISMATCH for ${name}: it offered ${fingerprint}, which is not the key listed in ${file} (someone may be intercepting the connection, or the host was reinstalled: check before replacing the entry)`,
    };
  return {
    ok: false,
    why: 'unknown',
    detail: `the host key of ${name} (${fingerprint}) is not in ${file}: check the fingerprint, then add it (ssh-keyscan${port === 22 ? '' : ` -p ${port}`} ${hostForCommand(name)} >> ${file}, or one \`ssh\` login)`,
  };
}

function hostForCommand(name: string): string {
  return name.replace(/^\[(.*)\]:\d+$/, '$1');
}

function sha256(key: Buffer): string {
  // OpenSSH prints the base64 digest without padding.
  return createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}
