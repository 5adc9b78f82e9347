/**
 * Docker over ssh://, as the docker CLI does it: each HTTP request to the engine runs over its own
 * SSH channel executing `docker system dial-stdio` on the remote host (which needs the docker CLI
 * there, and the login user in the docker group or root).
 *
 * Unlike docker-modem's own ssh transport (a new SSH login per request, no host key check), the
 * channels share a few SSH connections (at most CHANNELS_PER_CONNECTION each: OpenSSH's MaxSessions
 * is 10), the host key must be in known_hosts, and close() ends every connection: a stopped runtime
 * leaves no session behind. A connection that drops (network, sshd killed) fails its channels;
 * the next request logs in again, so the engine's monitor reconnects as it does for a lost socket.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Agent, type AgentOptions } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { ConnectConfig } from 'ssh2';
import { knownKeyTypes, parseKnownHosts, verifyHostKey } from './known-hosts.js';

type Ssh2 = typeof import('ssh2');
type SshClient = InstanceType<Ssh2['Client']>;
/**
 * ssh2 is loaded at the first ssh:// request, not with the cockpit: loading it allocates about
 * 16 MB (its WebAssembly poly1305), in every thread that loads it (bench/cockpit.bench.test.ts, RSS).
 */
let ssh2: Promise<Ssh2['Client']> | null = null;
const sshClient = (): Promise<Ssh2['Client']> => (ssh2 ??= import('ssh2').then((m) => ((m as { default?: Ssh2 }).default ?? m).Client));

/** Below OpenSSH's default MaxSessions (10): a busy cockpit opens a second connection instead. */
export const CHANNELS_PER_CONNECTION = 8;
const READY_TIMEOUT_MS = 10_000;
/** A silently dead link is noticed after about KEEPALIVE_MS * (1 + KEEPALIVE_COUNT). */
const KEEPALIVE_MS = 10_000;
const KEEPALIVE_COUNT = 2;
export const DIAL_STDIO = 'docker system dial-stdio';

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  password?: string;
  /** A private key file; else the agent (SSH_AUTH_SOCK), else ~/.ssh/id_ed25519, id_ecdsa, id_rsa. */
  identityFile?: string;
  /** Default ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** SSH_AUTH_SOCK. */
  agentSocket?: string;
  home?: string;
}

/** An SSH failure with the words an operator acts on; `level` makes errors.ts classify it as unreachable. */
export class SshError extends Error {
  constructor(
    message: string,
    readonly level: string,
  ) {
    super(message);
    this.name = 'SshError';
  }
}

interface Conn {
  client: SshClient;
  ready: Promise<void>;
  channels: number;
  closed: boolean;
}

/** ssh2's key type names for a known_hosts key type (RSA keys sign with SHA-2 today). */
const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

export class SshTransport {
  private readonly conns = new Set<Conn>();
  private closed = false;
  /** The http.Agent docker-modem sends every request through. */
  readonly agent: Agent;
  readonly display: string;

  constructor(private readonly target: SshTarget) {
    this.display = `ssh://${target.username}@${target.host}${target.port === 22 ? '' : `:${target.port}`}`;
    const transport = this;
    class SshAgent extends Agent {
      // Node's Agent asks for a socket with (options, callback); a channel is a Duplex like a socket.
      override createConnection(_options: unknown, callback: (err: Error | null, socket?: Duplex) => void): undefined {
        transport.channel().then(
          (ch) => callback(null, ch),
          (e: Error) => callback(e),
        );
        return undefined;
      }
    }
    this.agent = new SshAgent({ keepAlive: false } satisfies AgentOptions);
  }

  /** Ends every SSH connection (and with them every channel and remote dial-stdio). */
  close(): void {
    this.closed = true;
    for (const c of this.conns) this.drop(c);
    this.agent.destroy();
  }

  /** How many SSH connections are open (tests, diagnostics). */
  get connections(): number {
    return [...this.conns].filter((c) => !c.closed).length;
  }

  private async channel(): Promise<Duplex> {
    const Client = await sshClient();
    if (this.closed) throw new SshError(`the Docker engine connection to ${this.display} is closed`, 'client-socket');
    let conn: Conn | undefined;
    for (const c of this.conns) if (!c.closed && c.channels < CHANNELS_PER_CONNECTION) conn = c;
    conn ??= this.connect(Client);
    conn.channels++;
    let released = false;
    const release = () => {
      if (!released) (conn as Conn).channels--;
      released = true;
    };
    try {
      await conn.ready;
      const ch = await this.exec(conn);
      ch.once('close', release);
      return ch;
    } catch (e) {
      release();
      throw e;
    }
  }

  private exec(conn: Conn): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      conn.client.exec(DIAL_STDIO, (err, ch) => {
        if (err) return reject(new SshError(`${this.display}: cannot open an SSH channel: ${err.message}`, 'client-socket'));
        // What the remote side says when dial-stdio cannot run (no docker CLI, no access to the engine).
        let stderr = '';
        ch.stderr.on('data', (d: Buffer) => {
          if (stderr.length < 2000) stderr += d.toString('utf8');
        });
        ch.once('exit', (code: number | null) => {
          if (code !== 0 && code !== null) {
            const said = stderr.trim().replace(/\s+/g, ' ').slice(0, 300);
            (ch as unknown as Duplex).destroy(
              new SshError(
                `"${DIAL_STDIO}" on ${this.display} exited with ${code}${said ? `: ${said}` : ''}${code === 127 ? ' (is the docker CLI installed there?)' : ''}`,
                'client-dial-stdio',
              ),
            );
          }
        });
        // Node's HTTP client treats the channel as its socket; give it the socket calls it may make.
        const sock = ch as unknown as Record<string, unknown>;
        for (const m of ['setNoDelay', 'setKeepAlive', 'setTimeout', 'ref', 'unref']) if (typeof sock[m] !== 'function') sock[m] = () => ch;
        resolve(ch as unknown as Duplex);
      });
    });
  }

  private connect(Client: Ssh2['Client']): Conn {
    const client = new Client();
    const conn: Conn = { client, channels: 0, closed: false, ready: Promise.resolve() };
    this.conns.add(conn);
    let hostKeyProblem: string | null = null;
    conn.ready = new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (e: Error) => {
        this.drop(conn);
        if (!settled) {
          settled = true;
          reject(e);
        }
      };
      client.once('ready', () => {
        settled = true;
        resolve();
      });
      client.on('error', (e: Error & { level?: string; code?: string }) => fail(this.explain(e, hostKeyProblem)));
      client.once('close', () => fail(new SshError(`the SSH connection to ${this.display} closed`, 'client-socket')));
      let config: ReturnType<SshTransport['connectConfig']>;
      try {
        config = this.connectConfig((problem) => {
          hostKeyProblem = problem;
        });
      } catch (e) {
        return fail(e as Error);
      }
      try {
        client.connect(config);
      } catch (e) {
        fail(this.explain(e as Error, null));
      }
    });
    // A failed login is reported through the promise; never as an unhandled rejection.
    conn.ready.catch(() => undefined);
    return conn;
  }

  private drop(conn: Conn): void {
    if (conn.closed) return;
    conn.closed = true;
    this.conns.delete(conn);
    try {
      conn.client.end();
    } catch {
      // already gone
    }
    // end() waits for the server; a dead link would keep the socket: destroy it shortly after.
    setTimeout(() => conn.client.destroy(), 1000).unref();
  }

  /** Files are read at each login, so a rotated key or known_hosts is picked up without a restart. */
  private connectConfig(onHostKeyProblem: (p: string) => void) {
    const t = this.target;
    const home = t.home ?? homedir();
    const knownHostsFile = t.knownHostsFile ?? join(home, '.ssh', 'known_hosts');
    let knownText: string;
    try {
      knownText = readFileSync(knownHostsFile, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new SshError(
        `cannot check the host key of ${this.display}: known_hosts file ${knownHostsFile} not readable (${code}); add the host with one \`ssh\` login or ssh-keyscan, or set docker.ssh.knownHostsFile`,
        'client-hostkey',
      );
    }
    const entries = parseKnownHosts(knownText);
    const preferred = knownKeyTypes(entries, t.host, t.port).flatMap((k) => HOST_KEY_ALGORITHMS[k] ?? []);
    let privateKey: Buffer | undefined;
    const keyFile =
      t.identityFile ??
      (t.agentSocket ? undefined : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f)).find((f) => existsSync(f)));
    if (keyFile) {
      try {
        privateKey = readFileSync(keyFile);
      } catch (e) {
        throw new SshError(
          `cannot read the SSH key ${keyFile} (docker.ssh.identityFile): ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
          'client-authentication',
        );
      }
    }
    return {
      host: t.host,
      port: t.port,
      username: t.username,
      ...(t.password ? { password: t.password } : {}),
      ...(privateKey ? { privateKey } : {}),
      ...(t.agentSocket ? { agent: t.agentSocket } : {}),
      readyTimeout: READY_TIMEOUT_MS,
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: KEEPALIVE_COUNT,
      // Offer the key types known_hosts lists for this host first, as OpenSSH does.
      ...(preferred.length ? { algorithms: { serverHostKey: { prepend: preferred } } as unknown as ConnectConfig['algorithms'] } : {}),
      hostVerifier: (key: Buffer) => {
        const v = verifyHostKey(entries, t.host, t.port, key, knownHostsFile);
        if (!v.ok) onHostKeyProblem(v.detail);
        return v.ok;
      },
    };
  }

  private explain(e: Error & { level?: string; code?: string }, hostKeyProblem: string | null): Error {
    if (e instanceof SshError) return e;
    if (hostKeyProblem) return new SshError(`${this.display}: ${hostKeyProblem}`, 'client-hostkey');
    const msg = e.message ?? String(e);
    if (e.level === 'client-authentication' || /authentication methods failed/i.test(msg))
      return new SshError(
        `SSH login as ${this.target.username} to ${this.display} was refused (${msg}): check docker.ssh.identityFile or the agent (SSH_AUTH_SOCK), and the server's authorized_keys`,
        'client-authentication',
      );
    if (/encrypted/i.test(msg) && /passphrase/i.test(msg))
      return new SshError(
        `the SSH key for ${this.display} is passphrase-protected: load it into ssh-agent (SSH_AUTH_SOCK) instead of docker.ssh.identityFile`,
        'client-authentication',
      );
    if (e.level === 'client-timeout')
      return new SshError(`${this.display}: no SSH handshake within ${READY_TIMEOUT_MS / 1000} s`, 'client-timeout');
    const err = new SshError(`${this.display}: ${e.code ? `${e.code} ` : ''}${msg}`, e.level ?? 'client-socket');
    return Object.assign(err, e.code ? { code: e.code } : {});
  }
}
