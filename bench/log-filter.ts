/**
 * Micro-benchmark: the log filter on a full 5,000-line ring, RE2 (re2js, linear time) against
 * the JavaScript RegExp it replaced (backtracking).
 *
 * Run (Node 24, no build step):   node bench/log-filter.ts [lines]
 *
 * Prints, for each pattern, the time to test every line of the ring once: what the Logs pane pays
 * for a match count when the filter changes (later frames hit the per-line cache). Catastrophic
 * patterns are run with RE2 only on a ring of long `x…x` lines; RegExp is timed on ONE 30-character
 * line there, because on a longer one it does not finish (that is the bug this replaces).
 */
import { performance } from 'node:perf_hooks';
import { RE2JS } from 're2js';

const LINES = Number(process.argv[2] ?? 5000);
const SGR = /\x1b\[[0-9;:]*m/g;

/** A display line as the pane holds it: clock, level, message, some SGR from brain. */
function sampleLine(i: number): string {
  const clock = `10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}`;
  const r = i % 10;
  if (r < 5) return `${clock} INFO  📈 Order book update BTCUSDT bid=9${i % 7}123.5 ask=9${i % 7}124.0 venue=bybit depth=${i % 50}`;
  if (r < 7) return `${clock} INFO  [RiskGuardian] State Transition: NORMAL -> CAUTIOUS (${i}) drawdown=0.012 [brain:RiskGuardian]`;
  if (r < 8) return `${clock} WARN  ⚠️ Heartbeat STALE (${i % 9999}ms). Treating as DEFENSIVE`;
  if (r < 9) return `\x1b[31m${clock} ERROR ❌ WebSocket error on BINANCE market stream btcusdt@depth: ECONNRESET\x1b[39m`;
  return `${clock} INFO  incoming request GET /status 200 1.2ms reqId=req-${i}`;
}

function time(label: string, fn: () => number, runs = 5): void {
  fn(); // warm-up: JIT, and RE2's lazy DFA fills its cache
  const ms: number[] = [];
  let hits = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    hits = fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)] ?? 0;
  console.log(`${label.padEnd(58)} ${median.toFixed(2).padStart(8)} ms  (${hits} matches)`);
}

const ring = Array.from({ length: LINES }, (_, i) => sampleLine(i).replace(SGR, ''));
const everyLine = (test: (s: string) => boolean) => () => ring.reduce((n, s) => n + (test(s) ? 1 : 0), 0);

console.log(`log filter over a ring of ${LINES} lines (median of 5, after a warm-up; Node ${process.version})\n`);
for (const pattern of [
  'error',
  'websocket.*econnreset',
  'heartbeat stale \\(\\d+ms\\)',
  'btc|eth|sol',
  'reqId=req-4\\d\\d\\b',
  'zzz-no-match',
]) {
  const native = new RegExp(pattern, 'i');
  const re2 = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  time(
    `RegExp  /${pattern}/i`,
    everyLine((s) => native.test(s)),
  );
  time(
    `RE2     /${pattern}/i`,
    everyLine((s) => re2.test(s)),
  );
}

console.log('\ncatastrophic patterns (RE2: whole ring of 4,000-character "x…x" lines; RegExp: one short line)\n');
const xs = Array.from({ length: LINES }, () => 'x'.repeat(4000));
for (const pattern of ['(x+x+)+y', '(a|aa)*b', '(.*a){20}', '(x*)*y']) {
  const re2 = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  time(`RE2     /${pattern}/i on ${LINES} × 4000 chars`, () => xs.reduce((n, s) => n + (re2.test(s) ? 1 : 0), 0), 3);
  const native = new RegExp(pattern, 'i');
  const line = pattern === '(a|aa)*b' ? 'a'.repeat(30) : pattern === '(.*a){20}' ? 'a'.repeat(24) : 'x'.repeat(24);
  time(`RegExp  /${pattern}/i on ONE ${line.length}-char line`, () => (native.test(line) ? 1 : 0), 1);
}
