/**
 * A real OpenSSH server on a free loopback port, for Docker over ssh://: Debian's sshd run in the
 * foreground (`sshd -D -e -f <generated config>`), with a host key and a client key pair made by
 * ssh-keygen for this server alone. Root may log in by key only, from the test's authorized_keys.
 *
 * The remote side of `docker system dial-stdio` must reach the test's dockerd: the config's
 * `SetEnv` gives every session DOCKER_HOST (and the run's marker, so the sweep finds the session's
 * processes too). Nothing of the machine's own ssh set-up is read or changed (/run/sshd, the
 * privilege separation directory sshd insists on, is created when missing).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_ENV } from '../setup/run-marker.js';
import { freePort, waitFor, waitForPort } from './ports.js';

export interface TestSshd {
  port: number;
  /** ssh://root@127.0.0.1:PORT */
  url: string;
  /** The client's private key (docker.ssh.identityFile). */
  identityFile: string;
  /** A known_hosts file listing this server's host key as [127.0.0.1]:PORT. */
  knownHostsFile: string;
  /** The host key line alone ("ssh-ed25519 AAAA..."). */
  hostPublicKey: string;
  dir: string;
  /** The pids of the per-connection sshd processes (one per SSH connection). */
  sessionPids(): number[];
  /** SIGKILL every per-connection sshd process: the connections drop, the server keeps listening. */
  killSessions(): number;
  /** What sshd logged (stderr, -e). */
  log(): string;
  stop(): Promise<void>;
}

export const SSHD = '/usr/sbin/sshd';

function keygen(path: string, comment: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: 'ignore' });
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

export async function startSshd(opts: { dockerHost: string }): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'sshd-'));
  const port = await freePort();
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  keygen(hostKey, 'titan-test-host');
  keygen(clientKey, 'titan-test-client');
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(`${clientKey}.pub`), { mode: 0o600 });
  const hostPublicKey = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostPublicKey}\n`);
  const config = join(dir, 'sshd_config');
  const marker = process.env[RUN_ENV];
  writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1`,
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      // The run's folder sits below /tmp (world-writable): StrictModes would refuse the key file.
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'AllowUsers root',
      'AuthenticationMethods publickey',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitTTY no',
      'X11Forwarding no',
      'AllowAgentForwarding no',
      'AllowTcpForwarding no',
      'PrintMotd no',
      'LogLevel VERBOSE',
      // The session's `docker system dial-stdio` talks to the test's dockerd; the marker lets the
      // run's sweep find every process of the session.
      `SetEnv DOCKER_HOST=${opts.dockerHost}${marker ? ` ${RUN_ENV}=${marker}` : ''}`,
      '',
    ].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  execFileSync(SSHD, ['-t', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  // Own process group (Ctrl-C goes to the test run, whose sweep stops it); it inherits the run's marker.
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
    env: process.env,
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (log.length < 200_000) log += d;
  });
  await waitForPort(port, 10_000);
  const sessionPids = () => (child.pid ? childrenOf(child.pid) : []);
  return {
    port,
    url: `ssh://root@127.0.0.1:${port}`,
    identityFile: clientKey,
    knownHostsFile,
    hostPublicKey,
    dir,
    sessionPids,
    killSessions: () => {
      const pids = sessionPids();
      for (const pid of pids)
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      return pids.length;
    },
    log: () => log,
    stop: async () => {
      if (child.exitCode === null && !child.signalCode) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        for (const pid of sessionPids())
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null && !child.signalCode) child.kill('SIGKILL');
      }
      await waitFor(() => sessionPids().length === 0, 5000).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
