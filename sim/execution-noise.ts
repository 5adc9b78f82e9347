/**
 * Background chatter of a busy execution engine, so the cockpit has to find the
 * few halt/flatten lines among many unrelated ones (and an occasional stderr ERROR).
 */
import type { ExecutionLog } from './log.js';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT'] as const;
const BASE: Record<string, number> = { BTCUSDT: 97000, ETHUSDT: 3100, SOLUSDT: 190, BNBUSDT: 640 };

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(Math.random() * xs.length)] as T;
}

function price(sym: string): string {
  const base = BASE[sym] ?? 100;
  return (base * (1 + (Math.random() - 0.5) / 200)).toFixed(2);
}

function id(): string {
  return Math.random().toString(16).slice(2, 10);
}

/** One line of noise. `halted` changes what happens to incoming intents, as in the real engine. */
export function noiseLine(log: ExecutionLog, halted: boolean): void {
  const sym = pick(SYMBOLS);
  const r = Math.random();
  if (r < 0.02) {
    log.stderrError(`❌ WebSocket error on BINANCE market stream ${sym.toLowerCase()}@bookTicker: connection reset by peer`);
  } else if (r < 0.15) {
    log.warn(`⚠️ Heartbeat STALE (${1000 + Math.floor(Math.random() * 9000)}ms). Treating as DEFENSIVE.`);
  } else if (r < 0.3) {
    if (halted) log.warn('⛔ Rejecting Intent (System Halted)');
    else log.info(`📥 Received intent sig-${id()} for ${sym} (BUY_SETUP)`);
  } else if (r < 0.4) {
    log.info(`🔄 Reconciliation OK for BINANCE: positions match (${sym})`);
  } else if (r < 0.5) {
    log.info(`📈 Order book update ${sym} bid=${price(sym)} ask=${price(sym)}`);
  } else {
    log.info(`📊 Market data tick ${sym} last=${price(sym)}`);
  }
}
