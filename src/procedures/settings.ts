import { isAbsolute, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { childEnv } from './child-env.js';
import { runHostCommand } from './host-command.js';
import type { ProcedureSettings } from './types.js';

/** procedures.* from the configuration, with paths made absolute (relative ones are inside deployDir). */
export function procedureSettings(config: Config, cwd = process.cwd()): ProcedureSettings {
  const p = config.procedures;
  const deployDir = resolve(cwd, p.deployDir ?? '.');
  const inDeploy = (path: string) => (isAbsolute(path) ? path : resolve(deployDir, path));
  return {
    deployDir,
    deployCommand: [...p.deployCommand],
    backupDir: inDeploy(p.backupDir),
    restoreCommand: [...p.restoreCommand],
    envFile: inDeploy(p.envFile),
    composeCommand: p.composeCommand ? [...p.composeCommand] : null,
    composeFile: p.composeFile ? inDeploy(p.composeFile) : null,
    composeProject: p.composeProject ?? null,
    stepTimeoutSec: p.stepTimeoutSec,
  };
}

/**
 * Environment of host commands: the allowlist of child-env.ts (never the cockpit's secrets:
 * NATS_PASS, TITAN_TUI_*, anything else), with DOCKER_HOST pointing at the engine the cockpit
 * watches, so compose acts on the same containers.
 */
export function commandEnv(config: Config, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...childEnv(base), DOCKER_HOST: config.docker.host };
}

const detected = new Map<string, Promise<ComposeDetection>>();
export type ComposeDetection = { ok: true; argv: string[] } | { ok: false; error: string };

async function probe(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<boolean> {
  const r = await runHostCommand(
    { argv: [...argv, 'version'], cwd },
    { env, timeoutMs: 10_000, signal: new AbortController().signal, capture: true },
  );
  return r.ended === 'exit' && r.exitCode === 0;
}

/** `docker compose` when the plugin answers `version`, else `docker-compose`; cached per PATH. */
export function detectCompose(env: NodeJS.ProcessEnv, cwd: string): Promise<ComposeDetection> {
  const key = env.PATH ?? '';
  let found = detected.get(key);
  if (!found) {
    found = (async (): Promise<ComposeDetection> => {
      if (await probe(['docker', 'compose'], env, cwd)) return { ok: true, argv: ['docker', 'compose'] };
      if (await probe(['docker-compose'], env, cwd)) return { ok: true, argv: ['docker-compose'] };
      return {
        ok: false,
        error: 'neither `docker compose` nor `docker-compose` answers `version`: install one, or set procedures.composeCommand',
      };
    })();
    detected.set(key, found);
  }
  return found;
}

/** The compose prefix with the configured file and project: [...base, -f FILE, -p NAME]. */
export function composePrefix(settings: ProcedureSettings, base: string[]): string[] {
  return [
    ...base,
    ...(settings.composeFile ? ['-f', settings.composeFile] : []),
    ...(settings.composeProject ? ['-p', settings.composeProject] : []),
  ];
}
