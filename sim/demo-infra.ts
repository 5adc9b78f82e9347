/**
 * The demo VPS's supporting containers: what nats, postgres, redis and the
 * phase services print, plus one service that crashes now and then so the
 * cockpit has a restart loop to show. Log formats imitate the real images.
 */
import type { ContainerCtx, RunningProcess } from './docker-lite.js';

type Process = (ctx: ContainerCtx) => Promise<RunningProcess>;

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(Math.random() * xs.length)] as T;
}

/** Calls fn at a jittered interval around `ms` until stopped. */
function every(ms: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    timer = setTimeout(
      () => {
        if (stopped) return;
        fn();
        schedule();
      },
      ms * (0.5 + Math.random()),
    );
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** nats-server's log prefix: `[1] 2026/02/16 10:00:00.123456 [INF] `. */
function natsLine(level: 'INF' | 'WRN' | 'ERR', text: string): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}${p(Math.floor(Math.random() * 1000), 3)}`;
  return `[1] ${stamp} [${level}] ${text}`;
}

/** The `nats` container: its start/stop hooks bring the demo's NATS server up and down, so `docker stop nats` really cuts the bus. */
export function natsProcess(server: { start(): Promise<{ port: number }>; stop(): Promise<void> }): Process {
  return async (ctx) => {
    const log = (text: string, level: 'INF' | 'WRN' | 'ERR' = 'INF') => ctx.out(natsLine(level, text), 'stderr');
    log('Starting nats-server');
    log('  Version:  2.10.22');
    log('  Git:      [240e9a4]');
    log('  Name:     nats');
    log('  ID:       NDEMOVPS4ZQ7WJ2XK3N5R6T8Y9A2B3C4D5E6F7G8H9J2K3L4M5N6P7Q8');
    log('Using configuration file: /tmp/nats-resolved.conf');
    log('Starting http monitor on 0.0.0.0:8222');
    await server.start();
    log('Listening for client connections on 0.0.0.0:4222');
    log('Server is ready');
    return {
      stop: async () => {
        log('Initiating Shutdown...');
        await server.stop();
        log('Server Exiting..');
      },
    };
  };
}

export const postgresProcess: Process = async (ctx) => {
  const pg = (text: string) => ctx.out(`${new Date().toISOString().replace('T', ' ').replace('Z', ' UTC')} [1] ${text}`, 'stderr');
  ctx.out('PostgreSQL Database directory appears to contain a database; Skipping initialization');
  ctx.out('');
  pg('LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-musl, compiled by gcc (Alpine 13.2.1_git20240309) 13.2.1 20240309, 64-bit');
  pg('LOG:  listening on IPv4 address "0.0.0.0", port 5432');
  pg('LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"');
  pg('LOG:  database system is ready to accept connections');
  const stop = every(60_000, () => {
    pg('LOG:  checkpoint starting: time');
    pg(`LOG:  checkpoint complete: wrote ${Math.floor(Math.random() * 40)} buffers (0.2%); 0 WAL file(s) added, 0 removed, 0 recycled`);
  });
  return {
    stop: async () => {
      stop();
      pg('LOG:  received fast shutdown request');
      pg('LOG:  database system is shut down');
    },
  };
};

export const redisProcess: Process = async (ctx) => {
  const stamp = () => {
    const d = new Date();
    const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
    return `${d.getUTCDate()} ${mon} ${d.getUTCFullYear()} ${d.toISOString().slice(11, 23)}`;
  };
  const r = (role: 'C' | 'M', mark: '#' | '*', text: string) => ctx.out(`1:${role} ${stamp()} ${mark} ${text}`);
  r('C', '#', 'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo');
  r('C', '#', 'Redis version=7.2.5, bits=64, commit=00000000, modified=0, pid=1, just started');
  r('M', '*', 'monotonic clock: POSIX clock_gettime');
  r('M', '*', 'Running mode=standalone, port=6379.');
  r('M', '*', 'Server initialized');
  r('M', '*', 'Ready to accept connections tcp');
  const stop = every(30_000, () => {
    r('M', '*', `${100 + Math.floor(Math.random() * 900)} changes in 300 seconds. Saving...`);
    r('M', '*', `Background saving started by pid ${100 + Math.floor(Math.random() * 900)}`);
    r('M', '*', 'Background saving terminated with success');
  });
  return {
    stop: async () => {
      stop();
      r('M', '#', 'User requested shutdown...');
      r('M', '#', 'Redis is now ready to exit, bye bye...');
    },
  };
};

/** A phase service (Node, shared JSON Logger) that mostly talks about markets. */
export function phaseServiceProcess(component: string, linesPerSec: number, messages: readonly (() => string)[]): Process {
  return async (ctx) => {
    const line = (level: 'INFO' | 'WARN' | 'ERROR', message: string) =>
      ctx.out(JSON.stringify({ timestamp: new Date().toISOString(), level, message, component }), level === 'INFO' ? 'stdout' : 'stderr');
    line('INFO', `Starting ${component.split(':')[0]} service`);
    line('INFO', 'Connected to NATS');
    const stop =
      linesPerSec > 0 ? every(1000 / linesPerSec, () => line(Math.random() < 0.05 ? 'WARN' : 'INFO', pick(messages)())) : () => undefined;
    return {
      stop: async () => {
        stop();
        ctx.out('🛑 Received SIGTERM, shutting down gracefully...');
      },
    };
  };
}

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT'] as const;
const pct = () => (Math.random() * 0.4).toFixed(3);

export const SCAVENGER_MESSAGES = [
  () => `🕸️ Trap armed: ${pick(SYMBOLS)} liquidation cluster @ ${(90000 + Math.random() * 10000).toFixed(1)}`,
  () => `🔍 Scanning ${pick(SYMBOLS)} order book depth: imbalance ${pct()}`,
  () => `Trap expired without trigger: ${pick(SYMBOLS)}`,
  () => `📡 Binance aggTrade stream ${pick(SYMBOLS).toLowerCase()}: ${Math.floor(Math.random() * 400)} msgs/s`,
] as const;

export const SENTINEL_MESSAGES = [
  () => `Basis spread ${pick(SYMBOLS)} perp/spot ${pct()}%`,
  () => `Funding rate snapshot ${pick(SYMBOLS)}: ${(Math.random() * 0.02).toFixed(4)}%`,
  () => `⚖️ Rebalance check: delta ${(Math.random() - 0.5).toFixed(3)} within tolerance`,
] as const;

/**
 * A service that dies every `crashEveryMs` (±20 %) with a stack trace, so Docker's
 * restart policy keeps bringing it back and RestartCount keeps growing.
 */
export function flakyProcess(crashEveryMs: number, linesPerSec = 1): Process {
  return async (ctx) => {
    const line = (level: 'INFO' | 'ERROR', message: string) =>
      ctx.out(
        JSON.stringify({ timestamp: new Date().toISOString(), level, message, component: 'hunter:HologramEngine' }),
        level === 'INFO' ? 'stdout' : 'stderr',
      );
    line('INFO', 'Starting hunter service');
    const noise = every(1000 / linesPerSec, () => line('INFO', `Hologram scan ${pick(SYMBOLS)}: no setup`));
    const crash = setTimeout(
      () => {
        noise();
        line('ERROR', 'Unhandled rejection: Bybit WebSocket closed unexpectedly (code 1006)');
        ctx.out(
          [
            'Error: Bybit WebSocket closed unexpectedly (code 1006)',
            '    at BybitClient.onClose (/app/services/titan-phase2-hunter/dist/exchanges/BybitClient.js:212:19)',
            '    at WebSocket.emit (node:events:519:28)',
            'Node.js v22.12.0',
          ].join('\n'),
          'stderr',
        );
        ctx.exit(1);
      },
      crashEveryMs * (0.8 + Math.random() * 0.4),
    );
    return {
      stop: async () => {
        noise();
        clearTimeout(crash);
      },
    };
  };
}
