import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freezeProcess } from './freeze.js';
import { freePort, waitForPort } from './ports.js';

/** Credentials of the test server's users, shaped like production's nats.conf (contract §3). */
export const NATS_USERS = {
  /** May publish everything, like prod user `brain`. */
  brain: { user: 'brain', pass: 'brain-test-pass' },
  /** Read-only, like prod user `console`. */
  console: { user: 'console', pass: 'console-test-pass' },
  /** The simulated execution engine. */
  execution: { user: 'execution', pass: 'execution-test-pass' },
} as const;

export interface NatsServer {
  port: number;
  url: string;
  pid: () => number | undefined;
  /** SIGKILL the server (a crash). */
  kill: () => Promise<void>;
  /** Start it again on the same port with the same config. */
  restart: () => Promise<void>;
  /** Freeze it like a stalled host (SIGSTOP); resolves once every thread of it is stopped. */
  freeze: () => Promise<void>;
  /** Let a frozen server run again (SIGCONT). */
  thaw: () => void;
  stop: () => Promise<void>;
}

/** The production-like users (contract §3), as a nats.conf authorization block. */
export function usersBlock(): string {
  const u = NATS_USERS;
  return `authorization {
  users = [
    { user: "${u.brain.user}", password: "${u.brain.pass}", permissions: { publish: [">"], subscribe: [">"] } }
    { user: "${u.console.user}", password: "${u.console.pass}", permissions: { publish: ["$JS.API.>"], subscribe: ["titan.data.>", "titan.evt.>", "_INBOX.>"] } }
    { user: "${u.execution.user}", password: "${u.execution.pass}", permissions: {
        publish: ["titan.evt.execution.>", "titan.execution.>", "titan.evt.phase.>", "titan.sys.>", "_INBOX.>"],
        subscribe: ["titan.cmd.>", "_INBOX.>", "titan.execution.>", "titan.sys.>", "titan.evt.>", "system.halt"] } }
  ]
}`;
}

function config(port: number, opts: NatsServerOptions): string {
  return `
port: ${port}
host: 127.0.0.1
${opts.auth ?? usersBlock()}
${opts.extraConfig ?? ''}
`;
}

export interface NatsServerOptions {
  /** Default: a free one. */
  port?: number;
  /** The authorization part of nats.conf; default the production-like users (usersBlock()). */
  auth?: string;
  /** More nats.conf (a cluster block, tls, server_name, a monitoring port). */
  extraConfig?: string;
}

/**
 * Starts a real nats-server (Debian's, on PATH) on a free port with a production-like auth config.
 * A port picked free can be taken by another test file before nats-server binds it: without a port
 * of the caller's, it tries again on a new one.
 */
export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startNatsServerOnce(opts.port ?? (await freePort()), opts);
    } catch (err) {
      const retry = opts.port === undefined && attempt < 3 && err instanceof Error && err.message.includes('address already in use');
      if (!retry) throw err;
    }
  }
}

async function startNatsServerOnce(port: number, opts: NatsServerOptions): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'titan-nats-'));
  const conf = join(dir, 'nats.conf');
  writeFileSync(conf, config(port, opts));
  let child: ChildProcess | undefined;
  const launch = async () => {
    // Own process group: a Ctrl-C reaches the test run, whose sweep (test/setup) stops the server.
    child = spawn('nats-server', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let log = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      if (log.length < 20_000) log += d;
    });
    const c = child;
    await waitForPort(port, 10_000).catch((e: Error) => {
      throw new Error(
        `${e.message}; nats-server said: ${log.slice(-1500) || '(nothing)'}${c.exitCode !== null ? ` (exited ${c.exitCode})` : ''}`,
      );
    });
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  await launch().catch(async (err: unknown) => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    pid: () => child?.pid,
    kill,
    restart: launch,
    freeze: async () => {
      const pid = child?.pid;
      if (!pid) throw new Error('nats-server is not running');
      await freezeProcess(pid);
    },
    thaw: () => {
      const pid = child?.pid;
      if (pid && child?.exitCode === null) process.kill(pid, 'SIGCONT');
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
