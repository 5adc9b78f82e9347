/**
 * The whole demo "VPS" in one process: a NATS server (nats-lite) with the
 * production users, a Docker engine (docker-lite) on a unix socket, and the
 * prod container set running the Titan simulators. `npm run demo` points the
 * cockpit at it; nothing here is used by tests of the cockpit against real
 * nats-server/dockerd.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  flakyProcess,
  natsProcess,
  phaseServiceProcess,
  postgresProcess,
  redisProcess,
  SCAVENGER_MESSAGES,
  SENTINEL_MESSAGES,
} from './demo-infra.js';
import { type ContainerCtx, type ContainerSpec, type DockerLite, startDockerLite } from './docker-lite.js';
import { startBrainSim, startExecutionSim } from './index.js';
import { type NatsLite, type NatsLiteUser, startNatsLite } from './nats-lite.js';

export interface DemoVpsOptions {
  /** Directory for the Docker socket; default a fresh one under os.tmpdir(). */
  socketDir?: string;
  /** Execution log noise (lines/s); default 20. */
  executionNoisePerSec?: number;
  /** Phase services' chatter (lines/s each); default 4. */
  serviceNoisePerSec?: number;
  /** The flaky service crashes about this often; default 45 s. */
  flakyCrashEveryMs?: number;
  /** Brain trips a random SOFT/HARD breaker this often; default 120 s, 0 = never. */
  brainRandomTripsMs?: number;
  /** Execution truth snapshot period; default 5 s (the real engine's). */
  truthIntervalMs?: number;
}

export interface DemoCredentials {
  user: string;
  pass: string;
}

export interface DemoVps {
  natsUrl: string;
  dockerSocket: string;
  brainUrl: string;
  executionUrl: string;
  hmacSecret: string;
  jwtSecret: string;
  natsUsers: { brain: DemoCredentials; console: DemoCredentials; execution: DemoCredentials };
  /** Container names, as in prod compose (contract §7). */
  containers: typeof DEMO_CONTAINERS;
  docker: DockerLite;
  stop(): Promise<void>;
}

export const DEMO_CONTAINERS = {
  nats: 'nats',
  postgres: 'postgres',
  redis: 'redis',
  execution: 'titan-execution',
  brain: 'titan-brain',
  sentinel: 'titan-titan-sentinel-1',
  scavenger: 'titan-titan-scavenger-1',
  /** Crashes about every 45 s; restart policy "always" brings it back (RestartCount grows). */
  flaky: 'titan-titan-hunter-1',
} as const;

const secret = (bytes = 16) => randomBytes(bytes).toString('hex');

/** Production ACLs (contract §3), as in test/helpers/nats-server.ts. */
function natsUsersFor(passwords: { brain: string; console: string; execution: string }): NatsLiteUser[] {
  return [
    { user: 'brain', pass: passwords.brain },
    { user: 'console', pass: passwords.console, publish: ['$JS.API.>'], subscribe: ['titan.data.>', 'titan.evt.>', '_INBOX.>'] },
    {
      user: 'execution',
      pass: passwords.execution,
      publish: ['titan.evt.execution.>', 'titan.execution.>', 'titan.evt.phase.>', 'titan.sys.>', '_INBOX.>', '$JS.API.>'],
      subscribe: ['titan.cmd.>', '_INBOX.>', 'titan.execution.>', 'titan.sys.>', 'titan.evt.>', 'titan.data.market.>', 'titan.rpc.>'],
    },
  ];
}

function composeLabels(service: string): Record<string, string> {
  return {
    'com.docker.compose.project': 'titan',
    'com.docker.compose.service': service,
    'com.docker.compose.container-number': '1',
    'com.docker.compose.oneoff': 'False',
  };
}

/** Resolves once a container's first start finished, so the demo can report the ports its services bound. */
function firstStart<T>(): { done: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Awaited later; a start failure before then must not count as an unhandled rejection.
  done.catch(() => undefined);
  return { done, resolve, reject };
}

export async function startDemoVps(opts: DemoVpsOptions = {}): Promise<DemoVps> {
  const passwords = { brain: secret(), console: secret(), execution: secret() };
  const hmacSecret = secret(32);
  const jwtSecret = secret(32);
  const users = natsUsersFor(passwords);
  const ownDir = opts.socketDir === undefined;
  const socketDir = opts.socketDir ?? mkdtempSync(join(tmpdir(), 'titan-demo-'));
  const dockerSocket = join(socketDir, 'docker.sock');

  // The bus lives inside the `nats` container: stopping that container really stops it (same port on restart).
  let nats: NatsLite | undefined;
  let natsPort = 0;
  const natsServer = {
    start: async () => {
      nats = await startNatsLite({ port: natsPort, users });
      natsPort = nats.port;
      return nats;
    },
    stop: async () => {
      await nats?.stop();
      nats = undefined;
    },
  };
  const natsStarted = firstStart<void>();
  const natsUrl = () => `nats://127.0.0.1:${natsPort}`;

  const docker = await startDockerLite({ socketPath: dockerSocket });
  const add = (spec: ContainerSpec) => docker.addContainer(spec);

  try {
    await add({
      name: DEMO_CONTAINERS.nats,
      image: 'nats:2.10.22-alpine',
      healthcheck: true,
      labels: composeLabels('nats'),
      start: async (ctx) => {
        try {
          const p = await natsProcess(natsServer)(ctx);
          natsStarted.resolve();
          return p;
        } catch (e) {
          natsStarted.reject(e);
          throw e;
        }
      },
    });
    await natsStarted.done;

    await add({
      name: DEMO_CONTAINERS.postgres,
      image: 'postgres:16-alpine',
      healthcheck: true,
      labels: composeLabels('postgres'),
      start: postgresProcess,
    });
    await add({
      name: DEMO_CONTAINERS.redis,
      image: 'redis:7-alpine',
      healthcheck: true,
      labels: composeLabels('redis'),
      start: redisProcess,
    });

    const execPorts: Record<number, number> = {};
    const execStarted = firstStart<void>();
    let execPort = 0;
    await add({
      name: DEMO_CONTAINERS.execution,
      image: 'titan-trading-system/titan-execution:a7c05a02',
      healthcheck: true,
      labels: composeLabels('titan-execution'),
      workingDir: '/app',
      localPorts: execPorts,
      env: {
        NATS_URL: 'nats://nats:4222',
        NATS_USER: 'execution',
        NATS_PASS: passwords.execution,
        HMAC_SECRET: hmacSecret,
        PORT: '3002',
        RUST_LOG: 'info',
      },
      stopExitCode: 143,
      start: async (ctx) => {
        try {
          const sim = await startExecutionSim({
            natsUrl: natsUrl(),
            natsUser: 'execution',
            natsPass: passwords.execution,
            host: '127.0.0.1',
            port: execPort,
            haltFile: '/app/system.halt',
            fs: ctx.fs,
            noiseLinesPerSec: opts.executionNoisePerSec ?? 20,
            truthIntervalMs: opts.truthIntervalMs,
            out: (line, stream) => ctx.out(line, stream),
          });
          execPort = sim.port;
          execPorts[3002] = sim.port;
          execStarted.resolve();
          return withHealthFromNats(ctx, sim);
        } catch (e) {
          execStarted.reject(e);
          throw e;
        }
      },
    });

    const brainPorts: Record<number, number> = {};
    const brainStarted = firstStart<void>();
    let brainPort = 0;
    await add({
      name: DEMO_CONTAINERS.brain,
      image: 'titan-trading-system/titan-brain:a7c05a02',
      healthcheck: true,
      labels: composeLabels('titan-brain'),
      workingDir: '/app',
      localPorts: brainPorts,
      env: {
        NODE_ENV: 'production',
        PORT: '3100',
        NATS_URL: 'nats://nats:4222',
        NATS_USER: 'brain',
        NATS_PASS: passwords.brain,
        HMAC_SECRET: hmacSecret,
        JWT_SECRET: jwtSecret,
      },
      start: async (ctx) => {
        try {
          const trips = opts.brainRandomTripsMs ?? 120_000;
          const sim = await startBrainSim({
            natsUrl: natsUrl(),
            natsUser: 'brain',
            natsPass: passwords.brain,
            host: '127.0.0.1',
            port: brainPort,
            hmacSecret,
            jwtSecret,
            randomTrips: trips > 0 ? { everyMs: trips } : undefined,
            out: (line, stream) => ctx.out(line, stream),
          });
          brainPort = sim.port;
          brainPorts[3100] = sim.port;
          brainStarted.resolve();
          return sim;
        } catch (e) {
          brainStarted.reject(e);
          throw e;
        }
      },
    });

    const chatter = opts.serviceNoisePerSec ?? 4;
    await add({
      name: DEMO_CONTAINERS.sentinel,
      image: 'titan-trading-system/titan-sentinel:a7c05a02',
      healthcheck: true,
      labels: composeLabels('titan-sentinel'),
      start: phaseServiceProcess('sentinel:BasisArb', chatter, SENTINEL_MESSAGES),
    });
    await add({
      name: DEMO_CONTAINERS.scavenger,
      image: 'titan-trading-system/titan-scavenger:a7c05a02',
      healthcheck: true,
      labels: composeLabels('titan-scavenger'),
      start: phaseServiceProcess('scavenger:TrapManager', chatter * 2, SCAVENGER_MESSAGES),
    });
    await add({
      name: DEMO_CONTAINERS.flaky,
      image: 'titan-trading-system/titan-hunter:a7c05a02',
      healthcheck: true,
      labels: composeLabels('titan-hunter'),
      start: flakyProcess(opts.flakyCrashEveryMs ?? 45_000),
    });

    await Promise.all([execStarted.done, brainStarted.done]);
    return {
      natsUrl: natsUrl(),
      dockerSocket,
      brainUrl: `http://127.0.0.1:${brainPort}`,
      executionUrl: `http://127.0.0.1:${execPort}`,
      hmacSecret,
      jwtSecret,
      natsUsers: {
        brain: { user: 'brain', pass: passwords.brain },
        console: { user: 'console', pass: passwords.console },
        execution: { user: 'execution', pass: passwords.execution },
      },
      containers: DEMO_CONTAINERS,
      docker,
      stop: async () => {
        await docker.stop();
        if (ownDir) rmSync(socketDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await docker.stop().catch(() => undefined);
    if (ownDir) rmSync(socketDir, { recursive: true, force: true });
    throw new Error(`demo VPS failed to start: ${(e as Error)?.message ?? String(e)}`);
  }
}

/**
 * The execution image's HEALTHCHECK curls /health, which fails while NATS is down:
 * mirror that (3 failed 5 s probes => unhealthy), so stopping `nats` shows up in Docker too.
 */
function withHealthFromNats(ctx: ContainerCtx, sim: { natsConnected(): boolean; stop(): Promise<void> }) {
  let failures = 0;
  const probe = setInterval(() => {
    if (sim.natsConnected()) {
      failures = 0;
      ctx.setHealth('healthy');
    } else if (++failures >= 3) ctx.setHealth('unhealthy');
  }, 5_000);
  return {
    stop: async () => {
      clearInterval(probe);
      await sim.stop();
    },
  };
}
