/**
 * The system tools the tests drive for real. Missing ones are installed with apt-get when the run
 * is root (like CI and a fresh VPS); otherwise one line names the packages to install.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

interface Tool {
  /** What the tests run. */
  what: string;
  /** Debian package that brings it. */
  pkg: string;
  present: () => boolean;
}

function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(':'))
    try {
      accessSync(`${dir || '.'}/${command}`, constants.X_OK);
      return true;
    } catch {
      /* next */
    }
  return false;
}

function debianPackage(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', `-f=${'$'}{Status}`, pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

export const TOOLS: Tool[] = [
  { what: 'nats-server', pkg: 'nats-server', present: () => onPath('nats-server') },
  { what: 'dockerd', pkg: 'docker.io', present: () => onPath('dockerd') },
  { what: 'docker-compose', pkg: 'docker-compose', present: () => onPath('docker-compose') },
  { what: 'tmux', pkg: 'tmux', present: () => onPath('tmux') },
  // The test image is a static busybox (the dynamic one would need its libraries in the image).
  { what: 'static busybox', pkg: 'busybox-static', present: () => debianPackage('busybox-static') },
  { what: 'openssl', pkg: 'openssl', present: () => onPath('openssl') },
  { what: 'git', pkg: 'git', present: () => onPath('git') },
  // Docker over ssh:// is tested through a real sshd on a loopback port (test/helpers/sshd.ts).
  { what: 'sshd', pkg: 'openssh-server', present: () => debianPackage('openssh-server') },
  { what: 'ssh-keygen', pkg: 'openssh-client', present: () => debianPackage('openssh-client') },
];

export function missingPackages(tools: Tool[] = TOOLS): string[] {
  return tools.filter((t) => !t.present()).map((t) => t.pkg);
}

function say(line: string): void {
  process.stderr.write(`[test setup] ${line}\n`);
}

/** Installs what is missing (root) or throws one line that names it. */
export function ensureSystemTools(): void {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const root = process.getuid?.() === 0;
  const haveApt = onPath('apt-get');
  if (!root || !haveApt)
    throw new Error(
      `the tests need these Debian packages: ${missing.join(' ')}; install them with: sudo apt-get install -y ${missing.join(' ')}` +
        (root ? '' : ' (and run the tests as root: they start a private dockerd)'),
    );
  say(`installing ${missing.join(' ')} with apt-get (once per machine)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 900_000 });
  } catch (e) {
    const detail = String((e as { stderr?: Buffer }).stderr ?? (e as Error).message)
      .trim()
      .split('\n')
      .slice(-3)
      .join(' / ');
    throw new Error(`apt-get install ${missing.join(' ')} failed: ${detail}`);
  }
  const still = missingPackages();
  if (still.length) throw new Error(`apt-get reported success but these are still missing: ${still.join(' ')}`);
  say('installed');
}
