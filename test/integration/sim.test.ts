/**
 * The Titan simulator against a real nats-server: what the cockpit will observe
 * (lock file, log lines, HTTP bodies, NATS messages) must match the contract.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrainSim,
  type BrainSimOptions,
  type ExecutionSim,
  type ExecutionSimOptions,
  startBrainSim,
  startExecutionSim,
} from '../../sim/index.js';
import { NATS_USERS, type NatsServer, startNatsServer } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/ports.js';

// ---- signing, written here on purpose (independent of the cockpit's signer) ----

const HMAC_SECRET = 'sim-test-hmac-secret';

function hmacHeaders(body: string, secret = HMAC_SECRET, ts = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { 'x-timestamp': String(ts), 'x-signature': createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex') };
}

function jwt(claims: Record<string, unknown>, secret = HMAC_SECRET): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({ iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600, ...claims });
  return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}

// ---- log capture ----

interface Captured {
  out: (line: string, stream: 'stdout' | 'stderr') => void;
  lines: { line: string; stream: string }[];
  /** Message text of each line: tracing `fields.message`, Logger `message`, pino `msg`, or the raw text. */
  messages(): string[];
  has(text: string): boolean;
  wait(text: string, timeoutMs?: number): Promise<void>;
}

function capture(): Captured {
  const lines: { line: string; stream: string }[] = [];
  const messages = () =>
    lines.map(({ line }) => {
      try {
        const j = JSON.parse(line) as { fields?: { message?: string }; message?: string; msg?: string };
        return j.fields?.message ?? j.message ?? j.msg ?? line;
      } catch {
        return line;
      }
    });
  const has = (text: string) => messages().some((m) => m.includes(text));
  return {
    out: (line, stream) => lines.push({ line, stream }),
    lines,
    messages,
    has,
    wait: async (text, timeoutMs = 5_000) => {
      await waitFor(() => has(text), timeoutMs);
    },
  };
}

/** The JSON line whose message contains `text`. */
function lineWith(c: Captured, text: string): Record<string, unknown> {
  const hit = c.lines.find(({ line }) => line.includes(text));
  if (!hit) throw new Error(`no line with ${text}`);
  return JSON.parse(hit.line) as Record<string, unknown>;
}

// ---- fixtures ----

let nats: NatsServer;
let pub: NatsConnection;
const dirs: string[] = [];
const running: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
  pub = await connect({ servers: nats.url, user: NATS_USERS.brain.user, pass: NATS_USERS.brain.pass });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  await pub?.close();
  await nats?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'titan-sim-'));
  dirs.push(d);
  return d;
}

async function execution(extra: Partial<ExecutionSimOptions> = {}, server: NatsServer = nats) {
  const log = capture();
  const dir = tempDir();
  const haltFile = join(dir, 'system.halt');
  const sim: ExecutionSim = await startExecutionSim({
    natsUrl: server.url,
    natsUser: NATS_USERS.execution.user,
    natsPass: NATS_USERS.execution.pass,
    port: 0,
    host: '127.0.0.1',
    haltFile,
    out: log.out,
    ...extra,
  });
  running.push(sim);
  await log.wait('👂 Listening for risk flatten commands...');
  return { sim, log, haltFile, dir };
}

async function brain(extra: Partial<BrainSimOptions> = {}) {
  const log = capture();
  const sim: BrainSim = await startBrainSim({
    natsUrl: nats.url,
    natsUser: NATS_USERS.brain.user,
    natsPass: NATS_USERS.brain.pass,
    port: 0,
    host: '127.0.0.1',
    hmacSecret: HMAC_SECRET,
    out: log.out,
    ...extra,
  });
  running.push(sim);
  await waitFor(() => sim.natsConnected());
  if (extra.natsHalt === 'obey') await log.wait('Subscribed to titan.cmd.sys.halt.v1');
  const base = `http://127.0.0.1:${sim.port}`;
  return { sim, log, base };
}

async function publish(subject: string, payload: unknown): Promise<void> {
  pub.publish(subject, typeof payload === 'string' ? payload : JSON.stringify(payload));
  await pub.flush();
}

/** Collects JSON messages on a subject with the brain user. */
async function listen(subject: string) {
  const got: Record<string, unknown>[] = [];
  const sub = pub.subscribe(subject, {
    callback: (_e, m) => {
      try {
        got.push(m.json());
      } catch {
        /* not JSON */
      }
    },
  });
  await pub.flush();
  return { got, stop: () => sub.unsubscribe() };
}

async function http(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* text body */
  }
  return { status: res.status, text, json: json ?? {} };
}

async function post(base: string, path: string, body: string, headers: Record<string, string>) {
  return await http(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

// ---- execution engine ----

describe('execution sim', () => {
  it('logs its start-up lines and starts DISARMED and not halted', async () => {
    const { sim, log } = await execution();
    expect(log.has('👂 Listening for system halt signals...')).toBe(true);
    expect(log.has('🔒 Execution initialized DISARMED. Use ARM command to enable order placement.')).toBe(true);
    expect(log.has('System initialized in HALTED state')).toBe(false);
    expect(sim.halted()).toBe(false);
    // tracing JSON: microsecond timestamp, level, fields.message
    const l = lineWith(log, 'Listening for system halt signals');
    expect(l.level).toBe('INFO');
    expect(String(l.timestamp)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('HARD_HALT writes the halt file with the reason and logs ACTIVATED; OPEN deletes it and logs LIFTED', async () => {
    const { sim, log, haltFile } = await execution();
    await publish('titan.cmd.sys.halt.v1', { state: 'HARD_HALT', reason: 'drill 42' });
    await log.wait('🚨 SYSTEM HALT ACTIVATED: drill 42');
    expect(lineWith(log, '🔴 System State: HARD_HALT. Emergency Stop.').level).toBe('ERROR');
    expect(lineWith(log, 'SYSTEM HALT ACTIVATED').level).toBe('WARN');
    expect(readFileSync(haltFile, 'utf8')).toBe('drill 42');
    expect(sim.halted()).toBe(true);

    await publish('titan.cmd.sys.halt.v1', { state: 'OPEN', reason: 'all clear' });
    await log.wait('✅ SYSTEM HALT LIFTED: all clear');
    expect(log.has('🟢 System State: OPEN. Resuming operations.')).toBe(true);
    expect(existsSync(haltFile)).toBe(false);
    expect(sim.halted()).toBe(false);
  });

  it('SOFT_HALT halts fully; a second halt logs the state line but no second ACTIVATED; default reason', async () => {
    const { sim, log, haltFile } = await execution();
    await publish('titan.cmd.sys.halt.v1', { state: 'SOFT_HALT' });
    await log.wait('🚨 SYSTEM HALT ACTIVATED: System Command');
    expect(log.has('🟡 System State: SOFT_HALT. Reducing risk (treated as HALT in Phase 2).')).toBe(true);
    await publish('titan.cmd.sys.halt.v1', { state: 'HARD_HALT', reason: 'again' });
    await log.wait('🔴 System State: HARD_HALT');
    expect(log.messages().filter((m) => m.includes('SYSTEM HALT ACTIVATED'))).toHaveLength(1);
    expect(readFileSync(haltFile, 'utf8')).toBe('again'); // overwritten even without a state change
    expect(sim.halted()).toBe(true);
  });

  it('NORMAL is unknown and changes nothing; no-state and enveloped messages are silently ignored; garbage is malformed', async () => {
    const { sim, log, haltFile } = await execution();
    const before = log.lines.length;
    await publish('titan.cmd.sys.halt.v1', { active: true, reason: 'legacy shape' });
    await publish('titan.cmd.sys.halt.v1', { type: 'titan.cmd.sys.halt.v1', payload: { state: 'HARD_HALT' } });
    await publish('titan.cmd.sys.halt.v1', 'not json {');
    await publish('titan.cmd.sys.halt.v1', { state: 'NORMAL', reason: 'runbook' });
    await log.wait('Received unknown system state: NORMAL');
    // Messages are delivered in order, so the ignored ones have been processed by now.
    const after = log.messages().slice(before);
    expect(after).toEqual(['Received malformed system.halt payload', 'Received unknown system state: NORMAL']);
    expect(lineWith(log, 'unknown system state').level).toBe('WARN');
    expect(sim.halted()).toBe(false);
    expect(existsSync(haltFile)).toBe(false);
  });

  it('starts halted when the halt file exists at start', async () => {
    const dir = tempDir();
    const haltFile = join(dir, 'system.halt');
    writeFileSync(haltFile, 'left over');
    const { sim, log } = await execution({ haltFile });
    expect(sim.halted()).toBe(true);
    expect(lineWith(log, '⚠️ System initialized in HALTED state (system.halt file found)').level).toBe('WARN');
    await publish('titan.cmd.sys.halt.v1', { state: 'OPEN', reason: 'resume' });
    await log.wait('✅ SYSTEM HALT LIFTED: resume');
    expect(existsSync(haltFile)).toBe(false);
  });

  it('reads the file only at start: creating it does not halt, deleting it does not un-halt', async () => {
    const { sim, log, haltFile } = await execution();
    writeFileSync(haltFile, 'by hand');
    await publish('titan.cmd.sys.halt.v1', { state: 'NORMAL' });
    await log.wait('Received unknown system state: NORMAL');
    expect(sim.halted()).toBe(false);

    await publish('titan.cmd.sys.halt.v1', { state: 'HARD_HALT', reason: 'x' });
    await log.wait('SYSTEM HALT ACTIVATED: x');
    rmSync(haltFile);
    await publish('titan.cmd.sys.halt.v1', { state: 'BOGUS' });
    await log.wait('Received unknown system state: BOGUS');
    expect(sim.halted()).toBe(true);
  });

  it('ignoreHalt receives the halt but does nothing and logs nothing about it', async () => {
    const { sim, log, haltFile } = await execution({ ignoreHalt: true });
    expect(log.has('👂 Listening for system halt signals...')).toBe(true);
    await publish('titan.cmd.sys.halt.v1', { state: 'HARD_HALT', reason: 'ignored' });
    await publish('titan.cmd.sys.halt.v1', 'garbage');
    await publish('titan.cmd.risk.flatten.v1', {}); // ordered after the halts: a sync point
    await log.wait('RECEIVED FLATTEN COMMAND');
    expect(sim.halted()).toBe(false);
    expect(existsSync(haltFile)).toBe(false);
    expect(log.messages().some((m) => /System State|HALT ACTIVATED|malformed|unknown system state/.test(m))).toBe(false);
  });

  it('flatten closes every position with the contract log lines, even while halted', async () => {
    const { sim, log } = await execution();
    await publish('titan.cmd.sys.halt.v1', { state: 'HARD_HALT', reason: 'h' });
    await log.wait('SYSTEM HALT ACTIVATED');
    expect(sim.positions().map((p) => p.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    await publish('titan.cmd.risk.flatten.v1', { symbol: 'ALL' });
    await log.wait('✅ Flattened ETHUSDT on BINANCE');
    const m = log.messages();
    const i = m.indexOf('🚨 RECEIVED FLATTEN COMMAND - CLOSING ALL POSITIONS');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(m.slice(i + 1, i + 5)).toEqual([
      '🚨 Flattening BTCUSDT (Sell 0.050)',
      '✅ Flattened BTCUSDT on BINANCE',
      '🚨 Flattening ETHUSDT (Buy 1.20)',
      '✅ Flattened ETHUSDT on BINANCE',
    ]);
    expect(sim.positions()).toEqual([]);
    await log.wait('⛔ REJECTED Risk Command (Signature Verify Failed): Missing signature');
  });

  it('positions reappear over time while not halted', async () => {
    const { sim, log } = await execution({ positionRefillMs: 100 });
    await publish('titan.cmd.risk.flatten.v1', {});
    await log.wait('✅ Flattened ETHUSDT on BINANCE');
    await waitFor(() => sim.positions().length === 2, 5_000);
    expect(log.has('✅ Fill: BTCUSDT BUY 0.050')).toBe(true);
  });

  it('publishes the truth snapshot with the contract shape', async () => {
    const truth = await listen('titan.evt.execution.truth.v1');
    await execution({ truthIntervalMs: 100 });
    await waitFor(() => truth.got.length > 0);
    truth.stop();
    const t = truth.got[0] ?? {};
    expect(t.service).toBe('titan-execution-rs');
    expect(typeof t.timestamp).toBe('number');
    expect(t.meta).toEqual({ version: '0.1.0' });
    expect(typeof t.policy_hash).toBe('string');
    expect((t.positions as { symbol: string }[]).map((p) => p.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
  });

  it('ARM writes execution.armed and DISARM removes it', async () => {
    const { sim, log, dir } = await execution();
    await publish('titan.cmd.operator.arm.v1', 'go live');
    await log.wait('🔫 EXECUTION ARMED: go live - Order placement ENABLED');
    expect(readFileSync(join(dir, 'execution.armed'), 'utf8')).toBe('go live');
    expect(sim.armed()).toBe(true);
    await publish('titan.cmd.operator.disarm.v1', 'stop');
    await log.wait('🔒 EXECUTION DISARMED: stop - Order placement DISABLED');
    expect(existsSync(join(dir, 'execution.armed'))).toBe(false);
  });

  it('HTTP: /health reflects NATS, /metrics is Prometheus, other routes need an API key', async () => {
    const { sim } = await execution();
    const base = `http://127.0.0.1:${sim.port}`;
    const health = await http(`${base}/health`);
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok', version: '0.1.0', dependencies: { nats: 'Connected' } });
    const metrics = await http(`${base}/metrics`);
    expect(metrics.text).toContain('titan_execution_active_positions 2');
    const status = await http(`${base}/status`);
    expect(status.status).toBe(401);
    expect(status.text).toBe('API Key not configured on server');
  });

  it('survives a NATS restart: /health goes 503 then 200, and halts still work', async () => {
    const own = await startNatsServer();
    try {
      const { sim, log } = await execution({}, own);
      const base = `http://127.0.0.1:${sim.port}`;
      await own.kill();
      await waitFor(async () => (await http(`${base}/health`)).status === 503);
      const down = await http(`${base}/health`);
      expect(down.json).toEqual({ status: 'unhealthy', version: '0.1.0', dependencies: { nats: 'Disconnected' } });
      await own.restart();
      await waitFor(async () => (await http(`${base}/health`)).status === 200, 10_000);
      const p = await connect({ servers: own.url, user: NATS_USERS.brain.user, pass: NATS_USERS.brain.pass });
      p.publish('titan.cmd.sys.halt.v1', JSON.stringify({ state: 'HARD_HALT', reason: 'after restart' }));
      await p.flush();
      await log.wait('SYSTEM HALT ACTIVATED: after restart');
      await p.close();
      expect(sim.halted()).toBe(true);
    } finally {
      await Promise.all(running.splice(0).map((s) => s.stop()));
      await own.stop();
    }
  });

  it('keeps running when NATS is down at start, and connects once it is up', async () => {
    const own = await startNatsServer();
    await own.kill();
    try {
      const log = capture();
      const sim = await startExecutionSim({
        natsUrl: own.url,
        natsUser: NATS_USERS.execution.user,
        natsPass: NATS_USERS.execution.pass,
        port: 0,
        host: '127.0.0.1',
        haltFile: join(tempDir(), 'system.halt'),
        out: log.out,
      });
      running.push(sim);
      expect((await http(`http://127.0.0.1:${sim.port}/health`)).status).toBe(503);
      await own.restart();
      await log.wait('👂 Listening for system halt signals...', 10_000);
      expect(sim.natsConnected()).toBe(true);
    } finally {
      await Promise.all(running.splice(0).map((s) => s.stop()));
      await own.stop();
    }
  });
});

// ---- brain ----

describe('brain sim', () => {
  it('/health and /status need no auth; /status has the contract shape', async () => {
    const { base } = await brain();
    const health = await http(`${base}/health`);
    expect(health).toMatchObject({ status: 200, json: { status: 'healthy' } });
    const status = await http(`${base}/status`);
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({ mode: 'NORMAL', reasons: [], actions: [], unsafe_actions: [] });
    const details = status.json.details as Record<string, unknown>;
    expect(Object.keys(details).sort()).toEqual(['circuitBreaker', 'equity', 'timestamp', 'uptime', 'version'].sort());
    expect(details.circuitBreaker).toMatchObject({ active: false, action: 'NONE', tripCount: 0 });
    expect((status.json.components as { name: string }[]).map((c) => c.name)).toEqual(['database', 'configuration', 'memory']);
  });

  it('HMAC hook: exact 401 bodies, query strings defeat the exemption, ms timestamps are too far in future', async () => {
    const { base, log } = await brain();
    const body = JSON.stringify({ operatorId: 'op1' });
    const none = await post(base, '/breaker/reset', body, {});
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ error: 'Unauthorized', message: 'Missing x-signature header' });
    expect(String(none.json.timestamp)).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(log.has('Security event: HMAC validation failed')).toBe(true);

    const wrong = await post(base, '/breaker/reset', body, hmacHeaders(body, 'not-the-secret'));
    expect(wrong.json.message).toBe('Invalid signature');

    const ms = await post(base, '/breaker/reset', body, hmacHeaders(body, HMAC_SECRET, Date.now()));
    expect(String(ms.json.message)).toMatch(/^Timestamp too old or too far in future \(age: -\d+s, tolerance: 300s\)$/);

    const noTs = await post(base, '/breaker/reset', body, { 'x-signature': 'abcd' });
    expect(noTs.json.message).toBe('Missing x-timestamp header');

    const q = await http(`${base}/health?x=1`);
    expect(q.status).toBe(401);
    const breakerGet = await http(`${base}/breaker`, { headers: hmacHeaders('') });
    expect(breakerGet.status).toBe(200);
    expect(breakerGet.json).toMatchObject({ active: false });
  });

  it('admin guard: missing, malformed, wrong-secret, expired and non-admin JWTs; admin succeeds', async () => {
    const { base } = await brain();
    const body = JSON.stringify({ operatorId: 'op1' });
    const h = () => hmacHeaders(body);
    const noJwt = await post(base, '/breaker/reset', body, h());
    expect(noJwt).toMatchObject({ status: 401, json: { error: 'Missing Authorization header' } });
    const basic = await post(base, '/breaker/reset', body, { ...h(), authorization: 'Basic abc' });
    expect(basic.json).toEqual({ error: 'Invalid Authorization header format' });
    const badSig = await post(base, '/breaker/reset', body, { ...h(), authorization: `Bearer ${jwt({ role: 'admin' }, 'other')}` });
    expect(badSig).toMatchObject({
      status: 401,
      json: { error: 'Invalid or expired token', details: 'Token verification failed: invalid signature' },
    });
    const expired = await post(base, '/breaker/reset', body, { ...h(), authorization: `Bearer ${jwt({ role: 'admin', exp: 1000 })}` });
    expect(expired.json.details).toBe('Token verification failed: jwt expired');
    const viewer = await post(base, '/breaker/reset', body, { ...h(), authorization: `Bearer ${jwt({ role: 'viewer' })}` });
    expect(viewer).toMatchObject({ status: 403, json: { error: 'Insufficient permissions' } });

    const ok = await post(base, '/breaker/reset', body, { ...h(), authorization: `Bearer ${jwt({ role: ['admin'] })}` });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ success: true, message: 'Circuit breaker reset', operatorId: 'op1' });
    expect(typeof ok.json.timestamp).toBe('number');
    const superadmin = await post(base, '/breaker/reset', body, { ...h(), authorization: `Bearer ${jwt({ role: 'superadmin' })}` });
    expect(superadmin.status).toBe(200);
  });

  it('jwtSecret, when set, replaces the HMAC secret for tokens', async () => {
    const { base } = await brain({ jwtSecret: 'jwt-only' });
    const body = JSON.stringify({ operatorId: 'op1' });
    const withHmacSecret = await post(base, '/breaker/reset', body, {
      ...hmacHeaders(body),
      authorization: `Bearer ${jwt({ role: 'admin' })}`,
    });
    expect(withHmacSecret.status).toBe(401);
    const withJwtSecret = await post(base, '/breaker/reset', body, {
      ...hmacHeaders(body),
      authorization: `Bearer ${jwt({ role: 'admin' }, 'jwt-only')}`,
    });
    expect(withJwtSecret.status).toBe(200);
  });

  it('bodies are parsed before auth; operatorId is required; unknown routes 404', async () => {
    const { base } = await brain();
    const bad = await post(base, '/breaker/reset', '{nope', {});
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    const form = await http(`${base}/breaker/reset`, {
      method: 'POST',
      body: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);

    const auth = { authorization: `Bearer ${jwt({ role: 'admin' })}` };
    const empty = await post(base, '/breaker/reset', '{}', { ...hmacHeaders('{}'), ...auth });
    expect(empty.status).toBe(400);
    expect(empty.json.error).toBe('operatorId is required');
    expect(typeof empty.json.timestamp).toBe('number');

    const missing = await http(`${base}/x`, { headers: hmacHeaders('') });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ message: 'Route GET:/x not found', error: 'Not Found', statusCode: 404 });
  });

  it('/risk/halt trips the HARD breaker (fresh in /status), publishes flatten and an enveloped HALT; reset clears it', async () => {
    const { base, log, sim } = await brain();
    const flatten = await listen('titan.cmd.risk.flatten.v1');
    const halt = await listen('titan.cmd.sys.halt.v1');
    const auth = { authorization: `Bearer ${jwt({ role: 'admin' })}` };
    const body = JSON.stringify({ operatorId: 'op7', reason: 'drill' });
    const res = await post(base, '/risk/halt', body, { ...hmacHeaders(body), ...auth });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, message: 'EMERGENCY HALT TRIGGERED' });

    const status = await http(`${base}/status`);
    expect(status.json.mode).toBe('DEFENSIVE');
    expect(status.json.actions).toEqual(['Circuit Breaker Active: drill', 'Use Manual Override to Reset if Safe']);
    expect((status.json.details as Record<string, unknown>).circuitBreaker).toMatchObject({
      active: true,
      type: 'HARD',
      action: 'FULL_HALT',
      reason: 'drill',
      tripCount: 1,
    });
    expect(sim.breaker().active).toBe(true);

    await waitFor(() => flatten.got.length > 0 && halt.got.length > 0);
    expect(flatten.got[0]).toMatchObject({ command: 'FLATTEN_ALL', source: 'brain', reason: 'BRAIN_CIRCUIT_BREAKER' });
    expect(halt.got[0]?.state).toBeUndefined(); // enveloped: execution ignores it
    expect(halt.got[0]?.payload).toMatchObject({ action: 'HALT', actor_id: 'op7', reason: 'drill' });
    expect(log.has('[SOVEREIGN] EMERGENCY HALT TRIGGERED by op7: drill')).toBe(true);
    expect(log.has('Risk Command Published: titan.cmd.sys.halt.v1')).toBe(true);
    flatten.stop();
    halt.stop();

    const r = JSON.stringify({ operatorId: 'op7' });
    expect((await post(base, '/breaker/reset', r, { ...hmacHeaders(r), ...auth })).status).toBe(200);
    expect((await http(`${base}/status`)).json.mode).toBe('NORMAL');
  });

  it('the dashboard breaker is cached (stale after a trip) while /status is fresh', async () => {
    const dash = await listen('titan.data.dashboard.update.v1');
    const hb = await listen('titan.sys.heartbeat.v1.risk-guardian');
    const { sim, base } = await brain({ dashboardIntervalMs: 100, dashboardCacheMs: 60_000 });
    await waitFor(() => dash.got.length > 0);
    sim.trip('Daily drawdown 5.5% exceeded hard limit 5%');
    expect((await http(`${base}/status`)).json.mode).toBe('DEFENSIVE');
    const n = dash.got.length;
    await waitFor(() => dash.got.length >= n + 3);
    const last = dash.got.at(-1) ?? {};
    expect(last.type).toBe('STATE_UPDATE');
    expect((last.circuitBreaker as Record<string, unknown>).active).toBe(false);
    await waitFor(() => hb.got.length > 0);
    expect(hb.got[0]).toMatchObject({ state: 'Normal', regime: 'STABLE' });
    dash.stop();
    hb.stop();
  });

  it('with a short cache the dashboard shows the trip', async () => {
    const dash = await listen('titan.data.dashboard.update.v1');
    const { sim } = await brain({ dashboardIntervalMs: 100, dashboardCacheMs: 0 });
    sim.trip('test trip', 'SOFT');
    await waitFor(() => dash.got.some((d) => (d.circuitBreaker as Record<string, unknown>)?.active === true));
    dash.stop();
    expect(sim.breaker()).toMatchObject({ active: true, type: 'SOFT', action: 'ENTRY_PAUSE' });
  });

  it("'ignore' mode (default) does not react to a NATS HARD_HALT, and logs the durable subscription error", async () => {
    const flatten = await listen('titan.cmd.risk.flatten.v1');
    const { sim, log } = await brain();
    // The subscription fails asynchronously after start (as in the real brain): wait for its line.
    await waitFor(() =>
      log.lines.some(
        ({ line, stream }) =>
          stream === 'stderr' &&
          line.startsWith('Durable subscription error for titan.cmd.sys.halt.v1: Error: push consumer requires deliver_subject'),
      ),
    );
    const exec = await execution(); // proves the message was delivered to subscribers
    await publish('titan.cmd.sys.halt.v1', { state: 'HARD_HALT', reason: 't' });
    await exec.log.wait('SYSTEM HALT ACTIVATED: t');
    await pub.flush();
    // Proving an absence needs a bounded wait: the message already reached the execution sim.
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.breaker().active).toBe(false);
    expect(flatten.got).toEqual([]);
    expect(log.has('[SystemState]')).toBe(false);
    flatten.stop();
  });

  it("'obey' mode: HARD_HALT trips and flattens, OPEN resets, NORMAL is unknown, legacy/enveloped shapes work", async () => {
    const flatten = await listen('titan.cmd.risk.flatten.v1');
    const { sim, log } = await brain({ natsHalt: 'obey' });
    expect(log.has('Durable subscription error for titan.cmd.sys.halt.v1')).toBe(false);

    await publish('titan.cmd.sys.halt.v1', { state: 'HARD_HALT', reason: 't' });
    await log.wait('✅ Emergency flatten request published to titan.cmd.risk.flatten.v1');
    expect(log.has('[SystemState] Received update: HARD_HALT (t)')).toBe(true);
    expect(lineWith(log, '[SystemState] Remote HARD HALT triggered').level).toBe('ERROR');
    expect(sim.breaker()).toMatchObject({ active: true, type: 'HARD', reason: 't' });
    await waitFor(() => flatten.got.length === 1);
    expect(flatten.got[0]).toMatchObject({ command: 'FLATTEN_ALL', source: 'brain', reason: 'BRAIN_CIRCUIT_BREAKER' });

    await publish('titan.cmd.sys.halt.v1', { state: 'OPEN' });
    await log.wait('[SystemState] Resetting Circuit Breaker via remote command');
    expect(log.has('[SystemState] Received update: OPEN (NATS Command)')).toBe(true);
    expect(sim.breaker().active).toBe(false);

    await publish('titan.cmd.sys.halt.v1', { state: 'NORMAL' });
    await log.wait('[SystemState] Unknown state received: NORMAL');
    expect(sim.breaker().active).toBe(false);

    await publish('titan.cmd.sys.halt.v1', { active: true, reason: 'legacy' });
    await waitFor(() => sim.breaker().reason === 'legacy');
    await publish('titan.cmd.sys.halt.v1', { type: 'x', payload: { state: 'OPEN', reason: 'env' } });
    await log.wait('[SystemState] Received update: OPEN (env)');
    expect(sim.breaker().active).toBe(false);
    flatten.stop();
  });

  it("'obey' mode: SOFT_HALT pauses with a cooldown and clears itself", async () => {
    const { sim, log } = await brain({ natsHalt: 'obey', softCooldownMs: 300 });
    await publish('titan.cmd.sys.halt.v1', { state: 'SOFT_HALT', reason: 'soft' });
    await log.wait('[SystemState] Remote SOFT HALT triggered');
    const b = sim.breaker();
    expect(b).toMatchObject({ active: true, type: 'SOFT', action: 'ENTRY_PAUSE' });
    expect(typeof b.cooldownEndsAt).toBe('number');
    await waitFor(() => !sim.breaker().active, 3_000);
  });

  it('pino request lines are logged for every request, including /health', async () => {
    const { base, log } = await brain();
    await http(`${base}/health`);
    await waitFor(() => log.has('request completed'));
    const incoming = lineWith(log, '"msg":"incoming request"');
    expect(incoming).toMatchObject({ level: 30, msg: 'incoming request', req: { method: 'GET', url: '/health' } });
    expect(typeof incoming.reqId).toBe('string');
  });
});

// ---- container entrypoint ----

describe('sim/main.ts entrypoint', () => {
  const repo = join(import.meta.dirname, '..', '..');
  // Inside the repo so that the compiled files resolve node_modules.
  const build = join(repo, 'node_modules', '.cache', `sim-main-test-${process.pid}`);

  beforeAll(() => {
    execFileSync(
      join(repo, 'node_modules', '.bin', 'tsc'),
      [
        '--ignoreConfig',
        '--outDir',
        build,
        '--rootDir',
        join(repo, 'sim'),
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2023',
        '--types',
        'node',
        '--skipLibCheck',
        '--strict',
        join(repo, 'sim', 'main.ts'),
      ],
      { cwd: repo, stdio: 'pipe' },
    );
  });
  afterAll(() => rmSync(build, { recursive: true, force: true }));

  function run(role: string, env: Record<string, string>) {
    const child: ChildProcess = spawn(process.execPath, [join(build, 'main.js'), role], {
      env: { PATH: process.env.PATH ?? '', NATS_URL: nats.url, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, out: () => stdout, err: () => stderr };
  }

  it('execution: env config, halts on NATS, exits 0 on SIGTERM', async () => {
    const dir = tempDir();
    const p = run('execution', {
      NATS_USER: NATS_USERS.execution.user,
      NATS_PASS: NATS_USERS.execution.pass,
      HALT_FILE: join(dir, 'system.halt'),
      SIM_NOISE: '50',
    });
    try {
      await waitFor(() => p.out().includes('Listening for risk flatten commands'), 10_000);
      await publish('titan.cmd.sys.halt.v1', { state: 'HARD_HALT', reason: 'from main' });
      await waitFor(() => p.out().includes('SYSTEM HALT ACTIVATED: from main'));
      expect(readFileSync(join(dir, 'system.halt'), 'utf8')).toBe('from main');
      await waitFor(() => p.out().includes('Market data tick') || p.out().includes('Heartbeat STALE'));
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exited).toBe(0);
  });

  it('brain: refuses to start without HMAC_SECRET; logs the SIGTERM line and exits 0', async () => {
    const bad = run('brain', { NATS_USER: NATS_USERS.brain.user, NATS_PASS: NATS_USERS.brain.pass });
    expect(await bad.exited).toBe(2);
    expect(bad.err()).toContain('HMAC_SECRET is required');
    expect(bad.err()).not.toContain(NATS_USERS.brain.pass);

    const p = run('brain', { NATS_USER: NATS_USERS.brain.user, NATS_PASS: NATS_USERS.brain.pass, HMAC_SECRET: 's' });
    try {
      await waitFor(() => p.err().includes('Durable subscription error for titan.cmd.sys.halt.v1'), 10_000);
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exited).toBe(0);
    expect(p.out()).toContain('🛑 Received SIGTERM, shutting down gracefully...');
  });
});
