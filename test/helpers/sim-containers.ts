/**
 * The simulated Titan engines (dist/sim/main.js) in real containers named like production,
 * on host networking, so the cockpit's Docker paths (list, logs, exec, halt file) see what
 * they would see on the VPS.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_IMAGE, dockerClient, ensureBaseImage, NODE_BIN, PROJECT_ROOT, removeTestContainer, type TestDocker } from './docker.js';

export interface SimContainersOptions {
  natsUrl: string;
  nats: {
    execution: { user: string; pass: string };
    brain: { user: string; pass: string };
  };
  brainPort: number;
  executionPort: number;
  hmacSecret: string;
  jwtSecret: string;
  names?: { execution: string; brain: string };
  /** Extra environment for both containers (e.g. SIM_IGNORE_HALT=1). */
  env?: Record<string, string>;
  /** Command override, for checking this helper without the simulator. */
  command?: (service: 'execution' | 'brain') => string[];
}

export interface SimContainers {
  names: { execution: string; brain: string };
  stop(): Promise<void>;
}

const MAIN = join(PROJECT_ROOT, 'dist/sim/main.js');
/** Where the project is mounted (read-only) inside the containers. */
export const SIM_MOUNT = '/opt/titan-tui';

function newestSource(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Compiles the project when dist/sim/main.js is missing or older than a source (tsc emits despite type errors elsewhere). */
export function ensureSimBuilt(): void {
  const built = existsSync(MAIN) ? statSync(MAIN).mtimeMs : 0;
  if (built > Math.max(newestSource(join(PROJECT_ROOT, 'sim')), newestSource(join(PROJECT_ROOT, 'src')))) return;
  try {
    execFileSync(join(PROJECT_ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, stdio: 'pipe' });
  } catch {
    // Type errors in files under construction do not stop the emit.
  }
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing after \`tsc -p tsconfig.json\`: is sim/main.ts there?`);
}

export async function startSimContainers(docker: Pick<TestDocker, 'socketPath'>, opts: SimContainersOptions): Promise<SimContainers> {
  const names = opts.names ?? { execution: 'titan-execution', brain: 'titan-brain' };
  if (!opts.command) ensureSimBuilt();
  await ensureBaseImage(docker);
  const d = dockerClient(docker);
  const services = [
    { service: 'execution' as const, name: names.execution, port: opts.executionPort, creds: opts.nats.execution },
    { service: 'brain' as const, name: names.brain, port: opts.brainPort, creds: opts.nats.brain },
  ];
  await Promise.all(services.map((s) => removeTestContainer(docker, s.name)));
  for (const s of services) {
    const env = {
      NATS_URL: opts.natsUrl,
      NATS_USER: s.creds.user,
      NATS_PASS: s.creds.pass,
      PORT: String(s.port),
      HMAC_SECRET: opts.hmacSecret,
      JWT_SECRET: opts.jwtSecret,
      ...opts.env,
    };
    const c = await d.createContainer({
      name: s.name,
      Image: BASE_IMAGE,
      Cmd: opts.command ? opts.command(s.service) : ['node', `${SIM_MOUNT}/dist/sim/main.js`, s.service],
      // Like the real image: runs as uid 1001 in /app, so ./system.halt is /app/system.halt.
      User: '1001:1001',
      WorkingDir: '/app',
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      Healthcheck: {
        // $PORT is expanded by the container's shell from its own environment.
        Test: ['CMD-SHELL', 'wget -q -O- http://127.0.0.1:$PORT/health >/dev/null || exit 1'],
        Interval: 1e9,
        Timeout: 1e9,
        Retries: 3,
      },
      HostConfig: {
        NetworkMode: 'host',
        Binds: [`${PROJECT_ROOT}:${SIM_MOUNT}:ro`, `${NODE_BIN}:/usr/local/bin/node:ro`],
      },
    });
    await c.start();
  }
  return {
    names,
    stop: async () => {
      await Promise.all(services.map((s) => removeTestContainer(docker, s.name)));
    },
  };
}
