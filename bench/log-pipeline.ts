/**
 * Micro-benchmark: lines/s through the log pipeline on a realistic Titan mix.
 *
 * Run (Node 24, no build step):   node bench/log-pipeline.ts [lines]
 *   (`node --experimental-strip-types bench/log-pipeline.ts` is the same thing; type stripping is
 *   on by default since Node 23.6.) The src files import each other as `./x.js` (NodeNext style),
 *   which only exists after a tsc build, so this file first registers a resolve hook that maps a
 *   missing `.js` to its `.ts` source, then loads the pipeline with dynamic imports.
 *
 * Measures, after a warm-up pass:
 *   1. sanitize        LineSplitter only (bytes → safe lines)
 *   2. sanitize+parse+ring   what the log pane costs per line
 *   3. LogStream       the whole thing, evidence matching and batching included
 */
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (err) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      throw err;
    }
  },
});

const { LineSplitter } = await import('../src/services/logs/sanitize.ts');
const { parseLogLine } = await import('../src/services/logs/parse.ts');
const { LogRing } = await import('../src/services/logs/ring.ts');
const { EvidenceMatcher } = await import('../src/services/logs/evidence.ts');
const { LogStream } = await import('../src/services/logs/log-stream.ts');
const { TITAN_PROFILE } = await import('../src/contract/profiles.ts');

const LINES = Number(process.argv[2] ?? 200_000);
const CHUNK_BYTES = 16 * 1024; // Docker delivers log frames of this order

/** One line of a weighted mix modelled on contract §6/§11: mostly JSON, some text, colour, noise. */
function sampleLine(i: number): string {
  const ts = new Date(Date.UTC(2026, 1, 16, 10, 0, 0, i % 1000)).toISOString();
  const r = i % 100;
  if (r < 45) {
    return JSON.stringify({
      timestamp: ts,
      level: r < 40 ? 'INFO' : 'WARN',
      fields: {
        message: r === 0 ? '🚨 SYSTEM HALT ACTIVATED: drill' : `Order filled BTC-USDT qty=0.0${i % 9} px=9${i % 7}123.5`,
        venue: 'bybit',
      },
      target: 'titan_execution_rs::engine',
    });
  }
  if (r < 65) {
    return JSON.stringify({
      timestamp: ts,
      level: r < 62 ? 'INFO' : 'ERROR',
      message: `[RiskGuardian] State Transition: NORMAL -> CAUTIOUS (${i})`,
      component: 'brain:ConfigLoader',
      correlationId: `c-${i}`,
      metadata: { drawdown: 0.012, equity: 10_000 + i },
    });
  }
  if (r < 85) {
    return JSON.stringify({
      level: 30,
      time: Date.parse(ts),
      pid: 1,
      hostname: 'brain',
      reqId: `req-${i}`,
      req: { method: 'GET', url: '/health', hostname: 'localhost:3100', remoteAddress: '172.18.0.5' },
      msg: 'incoming request',
    });
  }
  if (r < 93) return `\x1b[32m✓\x1b[0m Connected to NATS at nats://titan-nats:4222 (attempt ${i})`;
  if (r < 97) return `    at processTicksAndRejections (node:internal/process/task_queues:95:5) #${i}`;
  if (r < 99) return `\x1b]0;title\x07\x1b[2J\x1b[10;10Hprogress ${i}%\r\x1b]52;c;aGVsbG8=\x07`;
  return `BIG ${'x'.repeat(8000)}`; // over the 4 KiB cap
}

const text = `${Array.from({ length: LINES }, (_, i) => sampleLine(i)).join('\n')}\n`;
const bytes = Buffer.from(text);
const chunks: Buffer[] = [];
for (let i = 0; i < bytes.length; i += CHUNK_BYTES) chunks.push(bytes.subarray(i, i + CHUNK_BYTES));

function sanitizeOnly(): number {
  const splitter = new LineSplitter();
  let n = 0;
  for (const c of chunks) n += splitter.push(c).length;
  return n + splitter.flush().length;
}

function sanitizeParseRing(): number {
  const splitter = new LineSplitter();
  const ring = new LogRing(5000);
  let seq = 0;
  const take = (lines: string[]) => {
    for (const l of lines) {
      const p = parseLogLine(l);
      ring.push({ seq: seq++, stream: 'stdout', level: p.level, text: p.display });
    }
  };
  for (const c of chunks) take(splitter.push(c));
  take(splitter.flush());
  return seq;
}

const matcher = new EvidenceMatcher(TITAN_PROFILE.logPatterns);
function fullStream(): number {
  let added = 0;
  const stream = new LogStream({
    ring: new LogRing(5000),
    emit: (e) => {
      if (e.type === 'logs.batch') added += e.added;
    },
    container: 'titan-execution',
    service: 'execution',
    matcher,
    maxPendingLines: LINES + 1, // measure throughput, not shedding
  });
  for (const c of chunks) stream.onData('stdout', c);
  stream.onEnd();
  return added;
}

function measure(name: string, fn: () => number): void {
  fn(); // warm-up: let V8 optimise before timing
  const t0 = performance.now();
  const n = fn();
  const s = (performance.now() - t0) / 1000;
  if (n !== LINES) throw new Error(`${name}: expected ${LINES} lines, got ${n}`);
  const perSec = Math.round(n / s).toLocaleString('en-US');
  const mbps = (bytes.length / 1e6 / s).toFixed(1);
  console.log(`${name.padEnd(26)} ${perSec.padStart(12)} lines/s  ${mbps.padStart(7)} MB/s`);
}

console.log(
  `node ${process.version}, ${LINES.toLocaleString('en-US')} lines, ${(bytes.length / 1e6).toFixed(1)} MB, ${CHUNK_BYTES / 1024} KiB chunks`,
);
measure('sanitize', sanitizeOnly);
measure('sanitize+parse+ring', sanitizeParseRing);
measure('LogStream (with evidence)', fullStream);
