/**
 * A whole simulated Titan VPS for action and end-to-end tests: a real nats-server with prod-like
 * users, a real Docker engine, and the simulated execution and brain in real containers.
 * Container names get a per-stack suffix so test files can share one daemon.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { sharedDockerd, type TestDocker } from './docker.js';
import { NATS_USERS, type NatsServer, startNatsServer } from './nats-server.js';
import { freePort, waitFor, waitForPort } from './ports.js';
import { type SimContainers, startSimContainers } from './sim-containers.js';

export const HMAC_SECRET = 'a'.repeat(64);
export const JWT_SECRET = 'jwt-test-secret-0123456789';

export interface StackOptions {
  /** Extra environment of the simulated services (SIM_IGNORE_HALT=1, ...). */
  simEnv?: Record<string, string>;
  /** Use exactly these container names (default: production names plus a random suffix). */
  names?: { execution: string; brain: string };
  /**
   * A NATS server of the test's own (a cluster node, a TLS server): the simulated services connect
   * to it, the stack does not stop it. Default: a new single server.
   */
  nats?: NatsServer;
  /** The servers the cockpit is given (default: the stack's NATS server alone). */
  cockpitNatsServers?: string[];
}

export interface TitanStack {
  nats: NatsServer;
  docker: TestDocker;
  sim: SimContainers;
  names: { execution: string; brain: string };
  brainPort: number;
  executionPort: number;
  auditDir: string;
  /** Flags for loadConfig / the CLI that point the cockpit at this stack. */
  flags: (overrides?: Record<string, string | boolean>) => Record<string, string | boolean>;
  /** Environment for spawning bin/titan-tui against this stack. */
  env: (overrides?: Record<string, string>) => NodeJS.ProcessEnv;
  /** A started Runtime on this stack, its first readings in. */
  runtime: (overrides?: Record<string, string | boolean>) => Promise<Runtime>;
  stop: () => Promise<void>;
}

export async function startTitanStack(opts: StackOptions = {}): Promise<TitanStack> {
  const suffix = Math.random().toString(36).slice(2, 7);
  const names = opts.names ?? { execution: `titan-execution-${suffix}`, brain: `titan-brain-${suffix}` };
  const [nats, docker, brainPort, executionPort] = await Promise.all([
    opts.nats ?? startNatsServer(),
    sharedDockerd(),
    freePort(),
    freePort(),
  ]);
  const cockpitNats = (opts.cockpitNatsServers ?? [nats.url]).join(',');
  const sim = await startSimContainers(docker, {
    natsUrl: nats.url,
    nats: { execution: NATS_USERS.execution, brain: NATS_USERS.brain },
    brainPort,
    executionPort,
    hmacSecret: HMAC_SECRET,
    jwtSecret: JWT_SECRET,
    names,
    env: { SIM_NOISE: '2', ...opts.simEnv },
  });
  // Both services listen before the stack is handed out: a test's first request must not find a
  // port not open yet (a CI run's first `doctor` got "connection refused" from brain).
  await Promise.all([waitForPort(brainPort, 30_000), waitForPort(executionPort, 30_000)]);
  const auditDir = mkdtempSync(join(tmpdir(), 'titan-audit-'));
  const configDir = mkdtempSync(join(tmpdir(), 'titan-cfg-'));
  // A named config file must exist (config/load.ts): an empty one, the settings come from flags or env.
  writeFileSync(join(configDir, 'config.json'), '{}');
  // An explicit config file must exist (src/config/load.ts): an empty one, the defaults apply.
  writeFileSync(join(configDir, 'config.json'), '{}');
  const contract = JSON.stringify({ containers: { execution: names.execution, brain: names.brain } });
  const flags = (overrides: Record<string, string | boolean> = {}) => ({
    'nats-servers': cockpitNats,
    'nats-user': NATS_USERS.brain.user,
    'nats-pass': NATS_USERS.brain.pass,
    'docker-host': docker.host,
    'brain-url': `http://127.0.0.1:${brainPort}`,
    'execution-url': `http://127.0.0.1:${executionPort}`,
    'brain-hmac-secret': HMAC_SECRET,
    'brain-jwt-secret': JWT_SECRET,
    'audit-dir': auditDir,
    'actions-verify-timeout-ms': '4000',
    'probes-interval-ms': '500',
    operator: 'tester',
    contract,
    ...overrides,
  });
  const env = (overrides: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TITAN_TUI_CONFIG: join(configDir, 'config.json'),
    NATS_URL: cockpitNats,
    NATS_USER: NATS_USERS.brain.user,
    NATS_PASS: NATS_USERS.brain.pass,
    DOCKER_HOST: docker.host,
    TITAN_TUI_BRAIN_URL: `http://127.0.0.1:${brainPort}`,
    TITAN_TUI_EXECUTION_URL: `http://127.0.0.1:${executionPort}`,
    TITAN_TUI_BRAIN_HMAC_SECRET: HMAC_SECRET,
    TITAN_TUI_BRAIN_JWT_SECRET: JWT_SECRET,
    TITAN_TUI_AUDIT_DIR: auditDir,
    TITAN_TUI_ACTIONS_VERIFY_TIMEOUT_MS: '4000',
    TITAN_TUI_PROBES_INTERVAL_MS: '500',
    TITAN_TUI_OPERATOR: 'tester',
    TITAN_TUI_CONTRACT: contract,
    ...overrides,
  });
  const runtimes: Runtime[] = [];
  const runtime = async (overrides: Record<string, string | boolean> = {}) => {
    const loaded = loadConfig({ configFile: join(configDir, 'config.json'), env: {}, flags: flags(overrides) });
    const rt = createRuntime(loaded);
    runtimes.push(rt);
    rt.start();
    // Ready when the containers are listed, the halt file was read, both services answered once and
    // the bus is connected (a CI run's HALT on a new stack's runtime found NATS still connecting).
    await waitFor(() => {
      const s = rt.store.getState();
      const listed = s.containers.value.some((c) => c.name === names.execution && c.state === 'running');
      const answered = s.probes.execution?.status === 'healthy' && s.probes.brain?.status === 'healthy';
      return listed && s.haltFile.at !== null && answered && s.connections.nats.status === 'connected';
    }, 20_000);
    return rt;
  };
  return {
    nats,
    docker,
    sim,
    names,
    brainPort,
    executionPort,
    auditDir,
    flags,
    env,
    runtime,
    stop: async () => {
      await Promise.allSettled(runtimes.map((r) => r.stop()));
      await sim.stop();
      if (!opts.nats) await nats.stop();
    },
  };
}
