/**
 * Container entrypoint: `node dist/sim/main.js execution|brain`, configured from env
 * like the real services (NATS_URL, NATS_USER, NATS_PASS, PORT, HMAC_SECRET, ...).
 */
import { startBrainSim } from './brain.js';
import { startExecutionSim } from './execution.js';
import { brainLog, defaultOut, executionLog } from './log.js';

type Role = 'execution' | 'brain';

class ConfigError extends Error {}

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${name} must be a non-negative number (got "${raw}")`);
  return n;
}

async function start(role: Role): Promise<{ stop(): Promise<void> }> {
  const env = process.env;
  const nats = {
    natsUrl: env.NATS_URL || 'nats://localhost:4222',
    natsUser: env.NATS_USER || undefined,
    natsPass: env.NATS_PASS || undefined,
  };
  const host = env.HOST || '0.0.0.0';
  if (role === 'execution') {
    return await startExecutionSim({
      ...nats,
      host,
      port: num('PORT', 3002),
      haltFile: env.HALT_FILE || 'system.halt',
      ignoreHalt: env.SIM_IGNORE_HALT === '1',
      noiseLinesPerSec: num('SIM_NOISE', 1),
    });
  }
  const mode = env.SIM_BRAIN_NATS_HALT || 'ignore';
  if (mode !== 'ignore' && mode !== 'obey') throw new ConfigError(`SIM_BRAIN_NATS_HALT must be "ignore" or "obey" (got "${mode}")`);
  if (!env.HMAC_SECRET) throw new ConfigError('HMAC_SECRET is required (the real brain refuses to start without it)');
  const tripsMs = num('SIM_RANDOM_TRIPS_MS', 0);
  return await startBrainSim({
    ...nats,
    host,
    port: num('PORT', 3100),
    hmacSecret: env.HMAC_SECRET,
    jwtSecret: env.JWT_SECRET || undefined,
    natsHalt: mode,
    dashboardCacheMs: num('SIM_DASHBOARD_CACHE_MS', 60_000),
    softCooldownMs: env.BREAKER_COOLDOWN_MINUTES ? num('BREAKER_COOLDOWN_MINUTES', 30) * 60_000 : undefined,
    randomTrips: tripsMs > 0 ? { everyMs: tripsMs } : undefined,
  });
}

async function main(): Promise<void> {
  const role = process.argv[2];
  if (role !== 'execution' && role !== 'brain') {
    process.stderr.write('usage: node dist/sim/main.js execution|brain\n');
    process.exit(2);
  }
  const exec = executionLog(defaultOut);
  const brain = brainLog(defaultOut);
  // A simulator must stay up whatever happens; report and carry on.
  process.on('uncaughtException', (e) => {
    if (role === 'brain') brain.error('Uncaught exception', { error: e.stack ?? String(e) });
    else exec.error(`Uncaught exception: ${e.message}`);
  });
  process.on('unhandledRejection', (e) => {
    if (role === 'brain') brain.error('Unhandled rejection', { error: String(e) });
    else exec.error(`Unhandled rejection: ${String(e)}`);
  });

  let sim: { stop(): Promise<void> };
  try {
    sim = await start(role);
  } catch (e) {
    process.stderr.write(`titan sim (${role}) failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    if (role === 'brain') brain.plain(`🛑 Received ${signal}, shutting down gracefully...`);
    else exec.info(`🛑 Received ${signal}, shutting down...`);
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    sim
      .stop()
      .catch(() => {})
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

void main();
