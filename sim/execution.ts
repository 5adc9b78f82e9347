/**
 * Fake titan-execution-rs (contract §1.1, §2.1, §2.2, §2.4, §4.2, §5, §6).
 * Independent of the cockpit: it only speaks NATS, HTTP, a lock file and log lines.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { noiseLine } from './execution-noise.js';
import { defaultOut, executionLog, type Out } from './log.js';
import { startNatsLink } from './nats-link.js';

export const EXECUTION_SUBJECTS = {
  halt: 'titan.cmd.sys.halt.v1',
  flatten: 'titan.cmd.risk.flatten.v1',
  arm: 'titan.cmd.operator.arm.v1',
  disarm: 'titan.cmd.operator.disarm.v1',
  truth: 'titan.evt.execution.truth.v1',
} as const;

const VERSION = '0.1.0';
const POLICY_HASH = 'a3f1c9e27b4d8e60';

export interface ExecutionSimOptions {
  natsUrl: string;
  natsUser?: string;
  natsPass?: string;
  /** 0 = any free port. */
  port?: number;
  host?: string;
  /** Read only at start, written on halt, deleted on resume. Default 'system.halt' (cwd). */
  haltFile?: string;
  /** Default: 'execution.armed' next to the halt file. */
  armedFile?: string;
  /** A broken engine: receives halt messages and does nothing. */
  ignoreHalt?: boolean;
  noiseLinesPerSec?: number;
  truthIntervalMs?: number;
  /** How often a flattened position reopens (while not halted). */
  positionRefillMs?: number;
  out?: Out;
  /** Where the lock files live; default node:fs. The demo passes a container's virtual filesystem. */
  fs?: LockFileFs;
}

/** The node:fs calls the lock files need, so they can live in a demo container instead of on disk. */
export interface LockFileFs {
  existsSync(path: string): boolean;
  writeFileSync(path: string, data: string): void;
  unlinkSync(path: string): void;
}

const nodeLockFs: LockFileFs = { existsSync, writeFileSync, unlinkSync: (path) => rmSync(path) };

/** Shadow-state position, serialized like the Rust `Position` (Decimals as strings). */
export interface SimPosition {
  symbol: string;
  side: 'LONG' | 'SHORT';
  size: string;
  entry_price: string;
  stop_loss: string;
  take_profits: string[];
  signal_id: string;
  opened_at: string;
  regime_state: number | null;
  phase: number | null;
  metadata: null;
  exchange: string;
  position_mode: string | null;
  realized_pnl: string;
  unrealized_pnl: string;
  fees_paid: string;
  funding_paid: string;
  last_mark_price: string | null;
  last_update_ts: number;
}

export interface ExecutionSim {
  stop(): Promise<void>;
  halted(): boolean;
  armed(): boolean;
  positions(): SimPosition[];
  natsConnected(): boolean;
  port: number;
}

const TEMPLATES: ReadonlyArray<Pick<SimPosition, 'symbol' | 'side' | 'size' | 'entry_price' | 'stop_loss'>> = [
  { symbol: 'BTCUSDT', side: 'LONG', size: '0.050', entry_price: '97012.50', stop_loss: '95000.00' },
  { symbol: 'ETHUSDT', side: 'SHORT', size: '1.20', entry_price: '3120.40', stop_loss: '3250.00' },
];

function openPosition(t: (typeof TEMPLATES)[number]): SimPosition {
  const now = Date.now();
  return {
    ...t,
    take_profits: [],
    signal_id: `sig-${now.toString(36)}-${t.symbol.toLowerCase()}`,
    opened_at: new Date(now).toISOString(),
    regime_state: 1,
    phase: 2,
    metadata: null,
    exchange: 'BINANCE',
    position_mode: 'OneWay',
    realized_pnl: '0',
    unrealized_pnl: '0',
    fees_paid: '0',
    funding_paid: '0',
    last_mark_price: t.entry_price,
    last_update_ts: now,
  };
}

function parseJson(data: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    // serde_json::from_slice rejects invalid UTF-8 as well as invalid JSON.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export async function startExecutionSim(opts: ExecutionSimOptions): Promise<ExecutionSim> {
  const out = opts.out ?? defaultOut;
  const log = executionLog(out);
  const haltFile = opts.haltFile ?? 'system.halt';
  const armedFile = opts.armedFile ?? join(dirname(haltFile), 'execution.armed');
  const fs = opts.fs ?? nodeLockFs;

  log.info(`🚀 Titan Execution Engine v${VERSION} starting`);

  // GlobalHalt::new(): the only moment the file is read.
  let halted = fs.existsSync(haltFile);
  if (halted) log.warn('⚠️ System initialized in HALTED state (system.halt file found)');
  let armed = fs.existsSync(armedFile);
  if (armed) log.info('🔫 Execution initialized in ARMED state (execution.armed file found)');
  else log.info('🔒 Execution initialized DISARMED. Use ARM command to enable order placement.');

  let positions: SimPosition[] = TEMPLATES.map(openPosition);

  const setHalt = (active: boolean, reason: string) => {
    const prev = halted;
    halted = active;
    try {
      if (active) fs.writeFileSync(haltFile, reason);
      else if (fs.existsSync(haltFile)) fs.unlinkSync(haltFile);
    } catch (e) {
      log.warn(`Failed to ${active ? 'persist' : 'remove'} halt lockfile: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (prev !== active) {
      if (active) log.warn(`🚨 SYSTEM HALT ACTIVATED: ${reason}`);
      else log.info(`✅ SYSTEM HALT LIFTED: ${reason}`);
    }
  };

  const onHalt = (data: Uint8Array) => {
    if (opts.ignoreHalt) return;
    const parsed = parseJson(data);
    if (!parsed.ok) {
      log.warn('Received malformed system.halt payload');
      return;
    }
    const v = parsed.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return;
    const rec = v as Record<string, unknown>;
    // Only a top-level string `state` counts; envelopes and `{active}` are silently ignored.
    if (typeof rec.state !== 'string') return;
    const reason = typeof rec.reason === 'string' ? rec.reason : 'System Command';
    switch (rec.state) {
      case 'OPEN':
        log.info('🟢 System State: OPEN. Resuming operations.');
        setHalt(false, reason);
        break;
      case 'SOFT_HALT':
        log.warn('🟡 System State: SOFT_HALT. Reducing risk (treated as HALT in Phase 2).');
        setHalt(true, reason);
        break;
      case 'HARD_HALT':
        log.error('🔴 System State: HARD_HALT. Emergency Stop.');
        setHalt(true, reason);
        break;
      default:
        log.warn(`Received unknown system state: ${rec.state}`);
    }
  };

  const onFlatten = () => {
    // The payload is ignored, and neither halt nor armed state is checked (contract §2.2).
    log.warn('🚨 RECEIVED FLATTEN COMMAND - CLOSING ALL POSITIONS');
    for (const p of positions) {
      const side = p.side === 'LONG' ? 'Sell' : 'Buy';
      log.warn(`🚨 Flattening ${p.symbol} (${side} ${p.size})`);
      log.info(`✅ Flattened ${p.symbol} on ${p.exchange}`);
    }
    positions = [];
    // The same message reaches the signed RISK_ENFORCER consumer, which rejects it.
    setTimeout(() => log.warn('⛔ REJECTED Risk Command (Signature Verify Failed): Missing signature'), 20).unref();
  };

  const setArmed = (active: boolean, data: Uint8Array) => {
    const reason = Buffer.from(data).toString('utf8');
    if (active) log.info(`🔫 Received ARM command: ${reason}`);
    else log.info(`🔒 Received DISARM command: ${reason}`);
    armed = active;
    try {
      if (active) fs.writeFileSync(armedFile, reason);
      else if (fs.existsSync(armedFile)) fs.unlinkSync(armedFile);
    } catch (e) {
      log.warn(`Failed to persist armed state: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (active) log.warn(`🔫 EXECUTION ARMED: ${reason} - Order placement ENABLED`);
    else log.warn(`🔒 EXECUTION DISARMED: ${reason} - Order placement DISABLED`);
  };

  /** Wraps a handler so that nothing a publisher sends can crash the process. */
  const guarded = (fn: (data: Uint8Array) => void) => (err: Error | null, msg: { data: Uint8Array }) => {
    if (err) return;
    try {
      fn(msg.data);
    } catch (e) {
      log.error(`Handler error: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const subscribe = async (nc: NatsConnection) => {
    nc.subscribe(EXECUTION_SUBJECTS.halt, { callback: guarded(onHalt) });
    nc.subscribe(EXECUTION_SUBJECTS.flatten, { callback: guarded(onFlatten) });
    nc.subscribe(EXECUTION_SUBJECTS.arm, { callback: guarded((d) => setArmed(true, d)) });
    nc.subscribe(EXECUTION_SUBJECTS.disarm, { callback: guarded((d) => setArmed(false, d)) });
    // Make sure the server has the interest before announcing it.
    await nc.flush();
    log.info('👂 Listening for system halt signals...');
    log.info('👂 Listening for risk flatten commands...');
  };

  const link = startNatsLink({
    url: opts.natsUrl,
    user: opts.natsUser,
    pass: opts.natsPass,
    name: 'titan-execution-rs',
    onConnect: subscribe,
    onEvent: (ev, detail) => {
      if (ev === 'connected') log.info(`✅ Connected to NATS at ${detail ?? opts.natsUrl}`);
      else if (ev === 'disconnected') log.warn('NATS connection event: Disconnected');
      else if (ev === 'reconnected') log.info('NATS connection event: Connected');
      else if (ev === 'connect-failed') log.error(`❌ Failed to connect to NATS: ${detail ?? 'unknown error'} (retrying)`);
    },
  });

  const truth = setInterval(() => {
    const snapshot = {
      timestamp: Date.now(),
      service: 'titan-execution-rs',
      positions,
      policy_hash: POLICY_HASH,
      meta: { version: VERSION },
    };
    if (!link.publish(EXECUTION_SUBJECTS.truth, JSON.stringify(snapshot)) && link.connected()) {
      log.error('Failed to publish truth snapshot: publish refused');
    }
  }, opts.truthIntervalMs ?? 5_000);

  const refill = setInterval(() => {
    if (halted) return; // a halted engine drops every intent, so nothing reopens
    const missing = TEMPLATES.find((t) => !positions.some((p) => p.symbol === t.symbol));
    if (!missing) return;
    const p = openPosition(missing);
    positions = [...positions, p];
    log.info(`✅ Fill: ${p.symbol} ${p.side === 'LONG' ? 'BUY' : 'SELL'} ${p.size} @ ${p.entry_price} on ${p.exchange}`);
  }, opts.positionRefillMs ?? 30_000);

  const noiseRate = opts.noiseLinesPerSec ?? 0;
  const noise = noiseRate > 0 ? setInterval(() => noiseLine(log, halted), Math.max(10, 1000 / noiseRate)) : undefined;

  const server = createServer((req, res) => {
    try {
      handleHttp(req, res, link.connected(), positions.length);
    } catch {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  await listen(server, opts.port ?? 3002, opts.host ?? '0.0.0.0');
  const port = (server.address() as AddressInfo).port;
  log.info(`🚀 Starting API Server on ${opts.host ?? '0.0.0.0'}:${port}`);

  return {
    port,
    halted: () => halted,
    armed: () => armed,
    positions: () => positions.map((p) => ({ ...p })),
    natsConnected: () => link.connected(),
    async stop() {
      clearInterval(truth);
      clearInterval(refill);
      if (noise) clearInterval(noise);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await link.stop();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** actix-web routes of api.rs; the API-key middleware rejects everything else (no key configured). */
function handleHttp(req: IncomingMessage, res: ServerResponse, natsUp: boolean, positionCount: number): void {
  req.resume();
  const path = (req.url ?? '/').split('?')[0];
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (path === '/health' || path === '/metrics') {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(404);
      res.end();
      return;
    }
    if (path === '/health') {
      json(natsUp ? 200 : 503, {
        status: natsUp ? 'ok' : 'unhealthy',
        version: VERSION,
        dependencies: { nats: natsUp ? 'Connected' : 'Disconnected' },
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(metricsText(positionCount));
    return;
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(200);
    res.end();
    return;
  }
  res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('API Key not configured on server');
}

function metricsText(positionCount: number): string {
  // No halt/armed gauge exists on the real engine (contract §4.2), so none is exported here.
  return [
    '# HELP titan_execution_risk_state Current risk state (0=Normal,1=Cautious,2=Defensive,3=Emergency)',
    '# TYPE titan_execution_risk_state gauge',
    'titan_execution_risk_state 2',
    '# HELP titan_execution_active_positions Number of open positions in shadow state',
    '# TYPE titan_execution_active_positions gauge',
    `titan_execution_active_positions ${positionCount}`,
    '',
  ].join('\n');
}
