/**
 * The demo's procedures sandbox: everything the runbook procedures act on, in one fresh temporary
 * folder, so that `titan-tui demo` never touches the folder it was started from, the host's git
 * remotes, compose or Docker.
 *
 *   <tmp>/titan-demo-sandbox-XXXXXX/
 *     remote.git/            bare repository: the checkout's `origin`
 *     titan/                 the deployment checkout (procedures.deployDir), two commits pushed
 *       scripts/deploy.sh        stand-in deploy (prints what it deploys)
 *       scripts/restore-db.sh    stand-in restore with the real script's questions
 *       docker-compose.json      the demo's services, read by the stand-in compose
 *       backups/*.sql.gz         stand-in backups (ignored by git)
 *       .env                     stand-in secrets for the rotations (ignored by git)
 *     bin/compose.mjs        stand-in `docker compose`, acting on the simulated engine
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { DockerLite } from './docker-lite.js';

/** procedures.* of the demo: every path absolute and inside the sandbox. */
export interface DemoSandboxProcedures {
  deployDir: string;
  deployCommand: string[];
  backupDir: string;
  restoreCommand: string[];
  envFile: string;
  composeCommand: string[];
  composeFile: string;
  composeProject: string;
}

export interface DemoSandbox {
  dir: string;
  /** The deployment checkout and its bare remote. */
  repo: string;
  remote: string;
  procedures: DemoSandboxProcedures;
  /** One line for the Procedures screen: what the procedures act on. */
  description: string;
  /**
   * Environment for host commands: `base` without GIT_* variables (they could point git at
   * another repository), git without the host's global and system configuration, and never
   * looking for a repository above the sandbox.
   */
  hostEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Removes the sandbox (best effort, idempotent). */
  remove(): void;
}

/** The simulated engine the stand-in compose acts on: its containers, by compose service. */
export interface DemoEngine {
  docker: Pick<DockerLite, 'container'>;
  containers: Readonly<Record<string, string>>;
}

const PROJECT = 'titan';

/** The project folder (it holds sim/stand-ins) from this module: sim/, dist/sim/ or dist/ (the bundle). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'sim', 'stand-ins', 'restore-db.sh'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('demo sandbox: the stand-in scripts (sim/stand-ins) are missing from the installation');
    dir = up;
  }
}

/**
 * `base` without GIT_* variables (they could point git at another repository), git without the
 * host's global and system configuration, and never looking for a repository above the sandbox
 * (were the checkout not one, git must not find one the temporary folder happens to be inside).
 */
function sandboxHostEnv(base: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!k.startsWith('GIT_') && v !== undefined) env[k] = v;
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_CONFIG_GLOBAL = devNull;
  env.GIT_CEILING_DIRECTORIES = dir;
  return env;
}

/** The demo's compose services, as a compose file (JSON is YAML): image and container name of each. */
function composeFile(engine: DemoEngine): string {
  const services: Record<string, { image: string; container_name?: string }> = {};
  for (const name of Object.values(engine.containers)) {
    const spec = engine.docker.container(name)?.spec;
    const service = spec?.labels?.['com.docker.compose.service'];
    if (!spec || !service) continue;
    // Compose names a container <project>-<service>-1 unless told otherwise.
    services[service] = name === `${PROJECT}-${service}-1` ? { image: spec.image } : { image: spec.image, container_name: name };
  }
  return `${JSON.stringify({ name: PROJECT, services }, null, 2)}\n`;
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);

function writeBackups(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const hoursAgo of [3, 27, 7 * 24]) {
    const at = new Date(Date.now() - hoursAgo * 3600_000);
    const file = join(dir, `titan_brain_${stamp(at)}.sql.gz`);
    writeFileSync(file, gzipSync(`-- titan-tui demo: stand-in dump of titan_brain taken ${at.toISOString()}\n`));
    utimesSync(file, at, at);
  }
}

function writeEnvFile(file: string): void {
  const fake = () => `demo-${randomBytes(8).toString('hex')}`;
  writeFileSync(
    file,
    [
      '# titan-tui demo sandbox: stand-in secrets, not real keys',
      `BINANCE_API_KEY=${fake()}`,
      `BINANCE_API_SECRET=${fake()}`,
      `BYBIT_API_KEY=${fake()}`,
      `BYBIT_API_SECRET=${fake()}`,
      `TITAN_DB_PASSWORD=${fake()}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
}

/**
 * Makes `repo` (its files already written) a git checkout with two commits, pushed to the bare
 * repository `remote`. Returns null, or what went wrong (git missing, ...) in a few words.
 */
function initRepository(repo: string, remote: string, env: NodeJS.ProcessEnv): string | null {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    mkdirSync(remote);
    git(remote, 'init', '-q', '--bare');
    git(remote, 'symbolic-ref', 'HEAD', 'refs/heads/main');
    git(repo, 'init', '-q');
    git(repo, 'symbolic-ref', 'HEAD', 'refs/heads/main');
    git(repo, 'config', 'user.name', 'titan-tui demo');
    git(repo, 'config', 'user.email', 'demo@titan-tui.invalid');
    git(repo, 'config', 'commit.gpgsign', 'false');
    git(repo, 'remote', 'add', 'origin', remote);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'Titan deployment (titan-tui demo sandbox)');
    writeFileSync(join(repo, 'config', 'risk.json'), '{ "maxOrderUsd": 50000 }\n');
    git(repo, 'commit', '-q', '-am', 'risk: raise the order size limit to 50000 USD (the commit to roll back)');
    git(repo, 'push', '-q', '-u', 'origin', 'main');
    return null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'git is not installed';
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim().split('\n')[0];
    return `git failed: ${stderr || (e as Error).message}`;
  }
}

/** Builds the sandbox; the caller removes it (`remove()`) when the demo ends. */
export function createDemoSandbox(engine: DemoEngine): DemoSandbox {
  const root = projectRoot();
  const composeScript = join(root, 'dist', 'sim', 'stand-ins', 'compose.js');
  if (!existsSync(composeScript)) throw new Error(`demo sandbox: ${composeScript} is missing; run npm run build`);

  const dir = mkdtempSync(join(tmpdir(), 'titan-demo-sandbox-'));
  const remove = () => {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      /* best effort: a file still held open by a cancelled step */
    }
  };
  try {
    const remote = join(dir, 'remote.git');
    const repo = join(dir, 'titan');
    mkdirSync(join(repo, 'scripts'), { recursive: true });
    for (const s of ['deploy.sh', 'restore-db.sh']) {
      copyFileSync(join(root, 'sim', 'stand-ins', s), join(repo, 'scripts', s));
      chmodSync(join(repo, 'scripts', s), 0o755);
    }
    // What the stand-ins write, and the secrets and backups, stay out of git (as in Titan).
    writeFileSync(
      join(repo, '.gitignore'),
      ['.env', 'backups/', 'deployed.txt', 'restored.sql', 'restored-from.txt', 'restore-early.txt', ''].join('\n'),
    );
    writeFileSync(join(repo, 'docker-compose.json'), composeFile(engine));
    mkdirSync(join(repo, 'config'));
    writeFileSync(join(repo, 'config', 'risk.json'), '{ "maxOrderUsd": 1000 }\n');
    // Without git the demo still runs: code rollback then fails at its first check, and says why.
    const hostEnv = (base: NodeJS.ProcessEnv) => sandboxHostEnv(base, dir);
    const gitProblem = initRepository(repo, remote, { ...hostEnv(process.env), GIT_TERMINAL_PROMPT: '0' });

    writeBackups(join(repo, 'backups'));
    writeEnvFile(join(repo, '.env'));
    mkdirSync(join(dir, 'bin'));
    const compose = join(dir, 'bin', 'compose.mjs');
    copyFileSync(composeScript, compose);

    return {
      dir,
      repo,
      remote,
      procedures: {
        deployDir: repo,
        deployCommand: [join(repo, 'scripts', 'deploy.sh'), '{sha}'],
        backupDir: join(repo, 'backups'),
        restoreCommand: [join(repo, 'scripts', 'restore-db.sh')],
        envFile: join(repo, '.env'),
        composeCommand: [process.execPath, compose],
        composeFile: join(repo, 'docker-compose.json'),
        composeProject: PROJECT,
      },
      description: `demo: procedures touch only the sandbox ${dir} (${
        gitProblem ? `no git repo: ${gitProblem}` : 'git repo with its own bare remote'
      }, stand-in deploy/restore/compose, the simulated engine), nothing else on this host`,
      hostEnv,
      remove,
    };
  } catch (e) {
    remove();
    throw new Error(`demo sandbox could not be created: ${(e as Error).message}`);
  }
}
