/** Builds nats.js connection options from the cockpit's BusOptions, reading credential files at each attempt. */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { credsAuthenticator, type NodeConnectionOptions, nkeyAuthenticator } from '@nats-io/transport-node';
import { registerSecret } from '../redact.js';
import type { BusOptions } from '../bus.js';
import { hostnameOf } from './text.js';

export interface ConnectTuning {
  connectTimeoutMs: number;
  pingIntervalMs: number;
  reconnectDelay: () => number;
}

/** A file the operator pointed us at could not be read: say which one and why, never its content. */
export class CredentialFileError extends Error {
  constructor(what: string, path: string, cause: unknown) {
    const code = (cause as { code?: unknown })?.code;
    super(`cannot read ${what} ${path}${typeof code === 'string' ? ` (${code})` : ''}`);
    this.name = 'CredentialFileError';
  }
}

async function readText(what: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new CredentialFileError(what, path, e);
  }
}

/** Files are re-read on every attempt so a rotated creds file or certificate is picked up without a restart. */
export async function buildConnectOptions(opts: BusOptions, tuning: ConnectTuning): Promise<NodeConnectionOptions> {
  const out: NodeConnectionOptions = {
    servers: opts.servers,
    name: opts.name ?? 'titan-tui',
    timeout: tuning.connectTimeoutMs,
    pingInterval: tuning.pingIntervalMs,
    maxPingOut: 2,
    // Once connected, nats.js owns reconnection, forever, paced by our backoff.
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectDelayHandler: tuning.reconnectDelay,
    waitOnFirstConnect: false,
  };
  if (opts.user !== undefined) out.user = opts.user;
  if (opts.pass !== undefined) out.pass = opts.pass;
  if (opts.token !== undefined) out.token = opts.token;
  if (opts.credsFile) {
    const creds = await readText('NATS creds file', opts.credsFile);
    for (const seed of creds.match(/\bSU[A-Z2-7]{50,}\b/g) ?? []) registerSecret(seed);
    out.authenticator = credsAuthenticator(new TextEncoder().encode(creds));
  } else if (opts.nkeyFile) {
    const seed = (await readText('NATS nkey seed file', opts.nkeyFile)).trim();
    registerSecret(seed);
    if (!/^SU[A-Z2-7]{50,}$/.test(seed))
      throw new CredentialFileError('NATS nkey seed file (it must hold a user seed, SU...)', opts.nkeyFile, { code: 'EINVAL' });
    out.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  }
  if (opts.tls === null) {
    out.tls = null;
  } else if (opts.tls) {
    const tls: NonNullable<NodeConnectionOptions['tls']> = {};
    if (opts.tls.caFile) tls.ca = await readText('TLS CA file', opts.tls.caFile);
    if (opts.tls.certFile) tls.cert = await readText('TLS certificate file', opts.tls.certFile);
    if (opts.tls.keyFile) tls.key = await readText('TLS key file', opts.tls.keyFile);
    const ipHosts = opts.servers.map(hostnameOf).filter((h): h is string => h !== null && isIP(h) !== 0);
    if (ipHosts.length > 0) {
      // nats.js sends no TLS server name for IP addresses, so Node checks the certificate against
      // "localhost". Check it against the IPs the operator configured instead (the chain is still verified).
      const hosts = opts.servers.map(hostnameOf).filter((h): h is string => h !== null);
      Object.assign(tls, { checkServerIdentity: (_name: string, cert: PeerCertificate) => identityMatchesAny(hosts, cert) });
    }
    out.tls = tls;
  }
  return out;
}

function identityMatchesAny(hosts: string[], cert: PeerCertificate): Error | undefined {
  let first: Error | undefined;
  for (const h of hosts) {
    const err = checkServerIdentity(h, cert);
    if (!err) return undefined;
    first ??= err;
  }
  return first;
}

/** Everything that must never appear in emitted text. */
export function secretsOf(opts: BusOptions): string[] {
  return [opts.pass, opts.token].filter((s): s is string => typeof s === 'string' && s.length > 0);
}
