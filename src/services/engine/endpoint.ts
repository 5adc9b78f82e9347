/** Turns the engine options (DOCKER_HOST style) into docker-modem options and a display string. */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { redactUrl } from '../redact.js';
import type { SshTarget } from './ssh.js';

export interface EndpointInput {
  socketPath?: string;
  host?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string } | null;
  ssh?: { identityFile?: string; knownHostsFile?: string };
}

export interface Endpoint {
  /** Where the engine is, for operators; never contains a password. */
  display: string;
  /** Options for `new Docker(...)` (every key set, so DOCKER_HOST in the environment cannot override them). */
  modem: Record<string, unknown>;
  /** ssh:// only: where to log in (the engine's SshTransport carries the requests). */
  ssh?: SshTarget;
}

export type EndpointResult = { ok: true; endpoint: Endpoint } | { ok: false; display: string; error: string };

const DEFAULT_SOCKET = '/var/run/docker.sock';

function readTls(tls: NonNullable<EndpointInput['tls']>): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const read = (what: string, file?: string): Buffer | undefined => {
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (e) {
      throw new Error(`cannot read the Docker TLS ${what} file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  };
  return { ca: read('CA', tls.caFile), cert: read('certificate', tls.certFile), key: read('key', tls.keyFile) };
}

const blank = {
  socketPath: undefined,
  host: undefined,
  port: undefined,
  protocol: undefined,
  username: undefined,
  ca: undefined,
  cert: undefined,
  key: undefined,
  version: undefined,
  timeout: undefined,
  pathPrefix: '/',
};

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'root';
  }
}

/** Resolves the endpoint; `host` wins over `socketPath`, then DOCKER_HOST, then the default socket. */
export function resolveEndpoint(input: EndpointInput, env: NodeJS.ProcessEnv = process.env): EndpointResult {
  const host = input.host?.trim() || (input.socketPath ? undefined : env.DOCKER_HOST?.trim()) || undefined;
  if (!host) {
    const socketPath = input.socketPath || DEFAULT_SOCKET;
    return { ok: true, endpoint: { display: `unix://${socketPath}`, modem: { ...blank, socketPath } } };
  }
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length) || DEFAULT_SOCKET;
    return { ok: true, endpoint: { display: `unix://${socketPath}`, modem: { ...blank, socketPath } } };
  }
  let url: URL;
  try {
    url = new URL(host.includes('://') ? host : `tcp://${host}`);
  } catch {
    return {
      ok: false,
      display: redactUrl(host),
      error: `Docker host "${redactUrl(host)}" is not a valid address (expected unix:///path, tcp://host:port or ssh://user@host)`,
    };
  }
  const safeDisplay = `${url.protocol}//${url.username ? `${decodeURIComponent(url.username)}@` : ''}${url.host}`;
  if (url.protocol === 'ssh:') {
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port || '22');
    const username = decodeURIComponent(url.username) || env.USER || safeUser();
    return {
      ok: true,
      endpoint: {
        display: `ssh://${username}@${url.host}`,
        // Requests go through the SSH transport's agent (src/services/engine/ssh.ts), as plain HTTP.
        modem: { ...blank, host: hostname, port: String(port), protocol: 'http' },
        ssh: {
          host: hostname,
          port,
          username,
          ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
          ...(input.ssh?.identityFile ? { identityFile: input.ssh.identityFile } : {}),
          ...(input.ssh?.knownHostsFile ? { knownHostsFile: input.ssh.knownHostsFile } : {}),
          ...(env.SSH_AUTH_SOCK ? { agentSocket: env.SSH_AUTH_SOCK } : {}),
          ...(env.HOME ? { home: env.HOME } : {}),
        },
      },
    };
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const useTls = input.tls != null || url.protocol === 'https:';
    let files: ReturnType<typeof readTls> = {};
    if (input.tls) {
      try {
        files = readTls(input.tls);
      } catch (e) {
        return { ok: false, display: safeDisplay, error: (e as Error).message };
      }
    }
    return {
      ok: true,
      endpoint: {
        display: safeDisplay,
        modem: {
          ...blank,
          host: url.hostname,
          port: url.port || (useTls ? '2376' : '2375'),
          protocol: useTls ? 'https' : 'http',
          ...files,
        },
      },
    };
  }
  return {
    ok: false,
    display: safeDisplay,
    error: `Docker host scheme "${url.protocol}" is not supported (use unix://, tcp:// or ssh://)`,
  };
}
