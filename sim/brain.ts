/**
 * Fake titan-brain (contract §1.2, §2.1, §4.1, §6 and, where they differ, §11).
 * By default it IGNORES the NATS halt, because the running brain's JetStream consumer
 * fails at start (§11); 'obey' mode gives the intended behaviour of the source.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NatsConnection } from '@nats-io/transport-node';
import { type BreakerStatus, SimBreaker } from './brain-breaker.js';
import { createBrainHttp } from './brain-http.js';
import { ensureTitanStreams } from './jetstream.js';
import { ansi, brainLog, defaultOut, type Out } from './log.js';
import { startNatsLink } from './nats-link.js';

export type { BreakerStatus } from './brain-breaker.js';

export const BRAIN_SUBJECTS = {
  halt: 'titan.cmd.sys.halt.v1',
  flatten: 'titan.cmd.risk.flatten.v1',
  dashboard: 'titan.data.dashboard.update.v1',
  heartbeat: 'titan.sys.heartbeat.v1.risk-guardian',
} as const;

/** Subjects whose durable consumers fail on the running brain (§11). */
const DURABLE_SUBJECTS = [
  'titan.cmd.sys.halt.v1',
  'titan.evt.execution.fill.v1.>',
  'titan.cmd.ai.optimize.proposal.v1',
  'titan.evt.quality.execution.v1',
] as const;

const VERSION = '1.0.0';

export interface BrainSimOptions {
  natsUrl: string;
  natsUser?: string;
  natsPass?: string;
  /** 0 = any free port. */
  port?: number;
  host?: string;
  hmacSecret: string;
  /** Default: hmacSecret (JWT_SECRET || HMAC_SECRET). */
  jwtSecret?: string;
  hmacToleranceSec?: number;
  /** 'ignore' (default) = the running brain; 'obey' = the source's intended behaviour. */
  natsHalt?: 'ignore' | 'obey';
  /** The dashboard update's content is cached this long (§11: 60 s). */
  dashboardCacheMs?: number;
  dashboardIntervalMs?: number;
  /** SOFT pause cooldown (BREAKER_COOLDOWN_MINUTES, default 30 min). */
  softCooldownMs?: number;
  /** Demo: trip a SOFT/HARD breaker now and then. */
  randomTrips?: { everyMs: number; softCooldownMs?: number };
  /** Create the TITAN_* streams when the server has JetStream (default true). */
  ensureStreams?: boolean;
  out?: Out;
}

export interface BrainSim {
  stop(): Promise<void>;
  port: number;
  breaker(): BreakerStatus;
  /** Trips the breaker as the brain's own risk logic would; HARD also requests a flatten. */
  trip(reason: string, type?: 'HARD' | 'SOFT'): void;
  natsConnected(): boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fakeStack(message: string): string {
  return [
    `Error: ${message}`,
    '    at NatsClient.subscribeDurable (/app/packages/shared/dist/messaging/NatsClient.js:388:23)',
    '    at async NatsConsumer.subscribeToTopics (/app/services/titan-brain/dist/server/NatsConsumer.js:161:13)',
    '    at async NatsConsumer.start (/app/services/titan-brain/dist/server/NatsConsumer.js:31:9)',
  ].join('\n');
}

export async function startBrainSim(opts: BrainSimOptions): Promise<BrainSim> {
  if (!opts.hmacSecret) throw new Error('brain sim: HMAC_SECRET is required (the real brain refuses to start without it)');
  const log = brainLog(opts.out ?? defaultOut);
  const natsHalt = opts.natsHalt ?? 'ignore';
  const softCooldownMs = opts.softCooldownMs ?? 30 * 60_000;
  const startedAt = Date.now();
  let equity = 25_000;

  log.info('Loading configuration...');
  log.info('Configuration loaded successfully', { environment: 'production', natsHalt });

  const breaker = new SimBreaker(() => log.info('✅ RiskGuardian Circuit Breaker RESET: Cooldown expired'));

  const publishJson = (subject: string, payload: unknown, hdrs?: Record<string, string>) =>
    link.publish(subject, JSON.stringify(payload), hdrs);

  /** TitanBrain.closeAllPositions → ExecutionEngineClient flatten request. */
  const closeAllPositions = () => {
    log.info('🚨 Requesting emergency position closure from Execution Engine...');
    const ok = publishJson(BRAIN_SUBJECTS.flatten, {
      command: 'FLATTEN_ALL',
      source: 'brain',
      timestamp: Date.now(),
      reason: 'BRAIN_CIRCUIT_BREAKER',
    });
    if (ok) log.info(`✅ Emergency flatten request published to ${BRAIN_SUBJECTS.flatten}`);
    else log.error('Failed to publish emergency flatten request: NATS not connected');
  };

  const tripHard = (reason: string, drawdown?: number) => {
    breaker.tripHard(reason, drawdown);
    closeAllPositions();
  };

  /** TitanBrain.handleSystemState (obey mode only). */
  const handleSystemState = (state: string, reason: string) => {
    log.info(`[SystemState] Received update: ${state} (${reason})`);
    switch (state) {
      case 'OPEN':
        if (breaker.status().active) {
          log.info('[SystemState] Resetting Circuit Breaker via remote command');
          breaker.reset();
        }
        break;
      case 'SOFT_HALT':
        log.warn('[SystemState] Remote SOFT HALT triggered');
        breaker.tripSoft(reason, softCooldownMs);
        break;
      case 'HARD_HALT':
        log.error('[SystemState] Remote HARD HALT triggered');
        tripHard(reason);
        break;
      default:
        log.warn(`[SystemState] Unknown state received: ${state}`);
    }
  };

  /** NatsConsumer's halt handler: envelope unwrap, legacy `{active}` shape. */
  const onSysHalt = (data: Uint8Array) => {
    let v: unknown;
    try {
      v = JSON.parse(Buffer.from(data).toString('utf8'));
    } catch (e) {
      log.error(`Error processing message on ${BRAIN_SUBJECTS.halt}`, { error: e instanceof Error ? e.message : String(e) });
      return;
    }
    let p = v;
    if (isRecord(p) && p.payload !== undefined && p.type !== undefined) p = p.payload;
    if (!isRecord(p)) return;
    let state = p.state;
    if (state === undefined && p.active !== undefined) state = p.active ? 'HARD_HALT' : 'OPEN';
    // The brain's own signed, enveloped HALT carries neither: nothing to do.
    if (state === undefined) return;
    handleSystemState(String(state), typeof p.reason === 'string' ? p.reason : 'NATS Command');
  };

  /** POST /risk/halt → TitanBrain.triggerEmergencyHalt → RiskManager.emitEmergencyHalt. */
  const riskHalt = (operatorId: string, reason: string) => {
    log.warn(`[SOVEREIGN] EMERGENCY HALT TRIGGERED by ${operatorId}: ${reason}`);
    const command = {
      command_id: randomUUID(),
      timestamp: Date.now(),
      actor_id: operatorId,
      action: 'HALT',
      reason,
      ttl_ms: 60_000,
      signature: '',
    };
    command.signature = createHmac('sha256', opts.hmacSecret)
      .update(`${command.timestamp}:${command.action}:${command.actor_id}:${command.command_id}`)
      .digest('hex');
    log.info('[RiskManager] Emitting HALT:', { command });
    // Enveloped: `state` is not at the top level, so the execution engine ignores it (§2.1).
    const envelope = {
      id: randomUUID(),
      type: BRAIN_SUBJECTS.halt,
      version: 1,
      schema_version: 1,
      ts: Date.now(),
      producer: 'titan-brain',
      correlation_id: command.command_id,
      payload: command,
    };
    if (publishJson(BRAIN_SUBJECTS.halt, envelope, { 'Nats-Msg-Id': command.command_id })) {
      log.info(`Risk Command Published: ${BRAIN_SUBJECTS.halt}`);
    } else {
      log.error(`Failed to publish risk command to ${BRAIN_SUBJECTS.halt}: NATS not connected`);
    }
    tripHard(reason);
  };

  const statusBody = () => {
    const cb = breaker.status();
    const actions: string[] = [];
    if (cb.active) actions.push(`Circuit Breaker Active: ${cb.reason}`, 'Use Manual Override to Reset if Safe');
    const now = Date.now();
    const component = (name: string, required: boolean, message: string) => ({
      name,
      status: 'healthy',
      message,
      lastCheck: now,
      responseTime: 1 + Math.floor(Math.random() * 4),
      required,
    });
    return {
      code: 200,
      body: {
        mode: cb.active ? 'DEFENSIVE' : 'NORMAL',
        reasons: [],
        actions,
        unsafe_actions: [],
        components: [
          component('database', true, 'Database connection healthy'),
          component('configuration', true, 'Configuration valid'),
          component('memory', false, 'Memory usage normal'),
        ],
        details: { timestamp: now, uptime: now - startedAt, version: VERSION, equity, circuitBreaker: cb },
      },
    };
  };

  // DashboardService caches its aggregate; the breaker in it is stale for up to dashboardCacheMs.
  const cacheMs = opts.dashboardCacheMs ?? 60_000;
  let cached: { at: number; data: Record<string, unknown> } | undefined;
  const dashboardData = () => {
    const now = Date.now();
    if (!cached || now - cached.at >= cacheMs) cached = { at: now, data: buildDashboard(equity, breaker.status()) };
    return cached.data;
  };

  const subscribe = async (nc: NatsConnection) => {
    log.plain(`Connected to NATS at ${opts.natsUrl}`);
    if (opts.ensureStreams ?? true) for (const line of await ensureTitanStreams(nc)) log.plain(line);
    for (const subject of DURABLE_SUBJECTS) {
      if (natsHalt === 'obey' && subject === BRAIN_SUBJECTS.halt) continue;
      log.plain(`Durable subscription error for ${subject}: ${fakeStack('push consumer requires deliver_subject')}`, 'stderr');
    }
    if (natsHalt === 'obey') {
      nc.subscribe(BRAIN_SUBJECTS.halt, {
        callback: (err, msg) => {
          if (err) return;
          try {
            onSysHalt(msg.data);
          } catch (e) {
            log.error('System state handler failed', { error: String(e) });
          }
        },
      });
      await nc.flush();
      log.info(`Subscribed to ${BRAIN_SUBJECTS.halt}`);
    }
  };

  const link = startNatsLink({
    url: opts.natsUrl,
    user: opts.natsUser,
    pass: opts.natsPass,
    name: 'titan-brain',
    onConnect: subscribe,
    onEvent: (ev, detail) => {
      if (ev === 'disconnected') log.warn('NATS disconnected', { server: detail });
      else if (ev === 'reconnected') log.info('NATS reconnected', { server: detail });
      else if (ev === 'connect-failed') log.error('Failed to connect to NATS', { error: detail });
    },
  });

  const dashboardTimer = setInterval(() => {
    publishJson(BRAIN_SUBJECTS.dashboard, { type: 'STATE_UPDATE', timestamp: Date.now(), ...dashboardData() });
  }, opts.dashboardIntervalMs ?? 1_000);
  const heartbeatTimer = setInterval(() => {
    // RiskGuardian's own state stays Normal even while the breaker is active (§11).
    publishJson(BRAIN_SUBJECTS.heartbeat, { ts: Date.now(), state: 'Normal', regime: 'STABLE' });
    equity = Math.round((equity + (Math.random() - 0.5) * 20) * 100) / 100;
  }, 1_000);

  const trip = (reason: string, type: 'HARD' | 'SOFT' = 'HARD', drawdown?: number, cooldownMs = softCooldownMs) => {
    if (type === 'HARD') {
      log.error(`🚨 RiskGuardian Circuit Breaker TRIPPED: ${reason}`);
      tripHard(reason, drawdown);
    } else if (breaker.tripSoft(reason, cooldownMs, drawdown)) {
      log.warn(`🚨 RiskGuardian Circuit Breaker TRIPPED: ${reason}`);
    }
  };

  let randomTimer: NodeJS.Timeout | undefined;
  if (opts.randomTrips && opts.randomTrips.everyMs > 0) {
    const { everyMs } = opts.randomTrips;
    const cooldown = opts.randomTrips.softCooldownMs ?? Math.max(1_000, Math.floor(everyMs / 2));
    randomTimer = setInterval(() => {
      if (breaker.status().active) return;
      const hard = Math.random() < 0.3;
      const dd = Math.round((hard ? 5 + Math.random() * 3 : 3 + Math.random() * 2) * 100) / 100;
      log.plain(ansi.yellow(`[RiskGuardian] drawdown check: daily drawdown ${dd}%`));
      trip(`Daily drawdown ${dd}% exceeded ${hard ? 'hard limit 5%' : 'soft limit 3%'}`, hard ? 'HARD' : 'SOFT', dd, cooldown);
    }, everyMs);
  }

  const server = createBrainHttp({
    hmacSecret: opts.hmacSecret,
    jwtSecret: opts.jwtSecret || opts.hmacSecret,
    hmacToleranceSec: opts.hmacToleranceSec ?? 300,
    log,
    status: statusBody,
    breaker: () => breaker.status(),
    resetBreaker: () => {
      breaker.reset();
    },
    riskHalt,
  });
  const host = opts.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 3100, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info('Webhook server started', { host, port, hmacEnabled: true, rateLimitingEnabled: false });
  log.plain(ansi.green(`🚀 Titan Brain listening on ${host}:${port}`));

  return {
    port,
    breaker: () => breaker.status(),
    trip: (reason, type = 'HARD') => trip(reason, type),
    natsConnected: () => link.connected(),
    async stop() {
      clearInterval(dashboardTimer);
      clearInterval(heartbeatTimer);
      if (randomTimer) clearInterval(randomTimer);
      breaker.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await link.stop();
    },
  };
}

/** ExtendedDashboardData-like aggregate (~1.5 KB), with the breaker snapshot inside. */
function buildDashboard(equity: number, circuitBreaker: BreakerStatus): Record<string, unknown> {
  const now = Date.now();
  const allocation = { w1: 0.2, w2: 0.5, w3: 0.3, timestamp: now };
  return {
    nav: equity,
    equity,
    allocation,
    phaseEquity: { phase1: equity * 0.2, phase2: equity * 0.5, phase3: equity * 0.3 },
    riskMetrics: { globalLeverage: 1.8, netDelta: 0.12, correlation: 0.41, portfolioBeta: 0.87 },
    treasury: {
      futuresWallet: equity * 0.9,
      spotWallet: equity * 0.1,
      totalSwept: 1250,
      highWatermark: 26_100,
      lockedProfit: 1250,
      riskCapital: equity * 0.9,
    },
    circuitBreaker,
    riskState: 'Normal',
    regime: 'STABLE',
    recentDecisions: [1, 2, 3].map((i) => ({
      signalId: `sig-${(now - i * 60_000).toString(36)}`,
      phaseId: i === 2 ? 'phase2' : 'phase1',
      approved: i !== 3,
      reason: i === 3 ? 'Risk limits: leverage cap' : 'Within allocation',
      timestamp: now - i * 60_000,
    })),
    phases: [
      { phaseId: 'phase1', name: 'Scavenger', status: 'active', equity: equity * 0.2 },
      { phaseId: 'phase2', name: 'Hunter', status: 'active', equity: equity * 0.5 },
      { phaseId: 'phase3', name: 'Sentinel', status: 'idle', equity: equity * 0.3 },
    ],
    lastUpdated: now,
  };
}
