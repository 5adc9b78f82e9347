/**
 * Cockpit benchmarks (issues #3 and #11), on the real stack (nats-server, a private dockerd, the
 * simulated Titan in containers), with bin/titan-tui running in tmux 160×45 as an operator runs it,
 * measured from outside (/proc, the tmux screen, the cockpit's opt-in bench log):
 *   - process start → first complete frame (containers, halt file, breaker, health all filled);
 *   - idle: 8 containers, default probes (2 s), brain's dashboard at 1/s: CPU and RSS, next to the
 *     floor of the same I/O in bare Node (bench/idle-floor.mjs);
 *   - a container writing 20,000 JSON lines/s, and one writing as fast as it can (`yes`): every key
 *     (`!` included) → its frame, RSS, and how far the log pane is behind live next to a plain
 *     `docker logs -f` of the same container in the same run;
 *   - an accelerated soak: RSS growth after warm-up, and what grew (two heap snapshots).
 * Ends with one table: target | measured | PASS/FAIL.
 *
 *   npm run bench -- cockpit
 * Knobs: BENCH_STARTS (5), BENCH_IDLE_SEC (60), BENCH_FLOOD_SEC (25), BENCH_FLOOD_RATE (20000),
 * BENCH_IDLE_PROBES_MS (2000), BENCH_YES_SEC (25), BENCH_SOAK_MIN (3, accelerated minutes; 30 for the full soak), BENCH_SOAK_WARMUP_MIN (1),
 * BENCH_ALLOC_PROFILE (a folder: the UI thread's allocations during each flood and idle, .heapprofile),
 * BENCH_FRAMES=1 (every frame in the flood's bench log), BENCH_KEEP_LOGS (a folder: each flood's bench log and its key send times, kept),
 * BENCH_IDLE_PARTS=1 (the idle floor split by part, in one more window),
 * BENCH_NODE_OPTIONS (V8 flags for the cockpit process), BENCH_V8_FLAGS (V8 flags NODE_OPTIONS refuses), BENCH_ONLY (comma list: start,idle,flood,emoji,yes,soak).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { resolveContract } from '../src/contract/resolve.js';
import { WATCHED_EVENTS } from '../src/services/engine/monitor.js';
import { NODE_BIN, removeTestContainer, runTestContainer } from '../test/helpers/docker.js';
import { startTitanStack, type TitanStack } from '../test/helpers/titan-stack.js';
import { TmuxSession } from '../test/helpers/tmux.js';
import { formatDiff, summarize } from './heap-diff.js';
import {
  type BenchEvent,
  cockpitPid,
  cpuMeter,
  DockerFollower,
  keyLatencies,
  keySplit,
  paneLagMs,
  priorityOf,
  readBenchLog,
  residentMappings,
  rssMb,
  screenAsync,
  settledFile,
  threadCount,
  threadMeter,
  TmuxKeys,
} from './proc.js';
import { fmt, percentile, summary } from './stats.js';

const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const IDLE_SEC = Number(process.env.BENCH_IDLE_SEC ?? 60);
/** Seconds between the screen listing every container and the idle window's start. */
const IDLE_WARMUP_SEC = Number(process.env.BENCH_IDLE_WARMUP_SEC ?? 5);
/** The probes' interval in the idle run: the default (2 s) for the target; others to see what they cost. */
const IDLE_PROBES_MS = process.env.BENCH_IDLE_PROBES_MS ?? '2000';
const FLOOD_SEC = Number(process.env.BENCH_FLOOD_SEC ?? 25);
const FLOOD_RATE = Number(process.env.BENCH_FLOOD_RATE ?? 20_000);
const YES_SEC = Number(process.env.BENCH_YES_SEC ?? 25);
const SOAK_MIN = Number(process.env.BENCH_SOAK_MIN ?? 3);
const SOAK_WARMUP_MIN = Math.min(Number(process.env.BENCH_SOAK_WARMUP_MIN ?? 1), SOAK_MIN / 2);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'start,idle,flood,emoji,yes,soak').split(',').map((s) => s.trim()));
const COLS = 160;
const ROWS = 45;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Extra Node flags for the cockpit process (to compare heap settings in one run). */
const nodeOpts = (extra = ''): Record<string, string> => {
  const v = [process.env.BENCH_NODE_OPTIONS ?? '', extra].join(' ').trim();
  // V8 flags NODE_OPTIONS refuses (bin/titan-tui sets them at start).
  const v8: Record<string, string> = process.env.BENCH_V8_FLAGS ? { TITAN_TUI_BENCH_V8_FLAGS: process.env.BENCH_V8_FLAGS } : {};
  return v ? { NODE_OPTIONS: v, ...v8 } : v8;
};

/** glibc's malloc arenas for the cockpit process (BENCH_MALLOC_ARENA_MAX=2 to compare; unset: glibc's default). */
const mallocEnv = (): Record<string, string> =>
  process.env.BENCH_MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.BENCH_MALLOC_ARENA_MAX } : {};

type Mem = BenchEvent & {
  heapTotal?: number;
  heapUsed?: number;
  external?: number;
  worker?: { total: number } | null;
  /** V8's spaces, "used/committed" KB. */
  spaces?: Record<string, string>;
};
/** The cockpit's own memory reading (its bench log), by part; the UI heap's spaces that hold over 1 MB. */
const memParts = (e?: Mem) => {
  if (!e) return 'n/a';
  const spaces = Object.entries(e.spaces ?? {})
    .map(([name, v]) => [name, v.split('/').map(Number)] as const)
    .filter(([, [, committed = 0]]) => committed > 1024)
    .map(([name, [used = 0, committed = 0]]) => `${name.replace(/_space$/, '')} ${fmt(used / 1024)}/${fmt(committed / 1024)}`)
    .join(', ');
  return `RSS ${fmt((e.rss ?? 0) / 1048576)} MB, UI heap ${fmt((e.heapTotal ?? 0) / 1048576)} MB (used ${fmt((e.heapUsed ?? 0) / 1048576)}; used/committed MB by space: ${spaces}), external ${fmt((e.external ?? 0) / 1048576)} MB, worker heap ${fmt((e.worker?.total ?? 0) / 1048576)} MB`;
};

/** The UI thread's time inside stdout.write, summed over the cockpit's `mem` records. */
type WriteStats = { n: number; ms: number; max: number; slow: number; slowRunqueueMs: number; bytes: number };
function writeSummary(mems: Array<Mem & { stdoutWrite?: WriteStats }>): string {
  const w = mems.flatMap((e) => (e.stdoutWrite ? [e.stdoutWrite] : []));
  const sum = (k: Exclude<keyof WriteStats, 'max'>) => w.reduce((a, x) => a + x[k], 0);
  return `${sum('n')} writes, ${fmt(sum('bytes') / 1024)} KB, ${fmt(sum('ms'))} ms in all, the longest ${fmt(Math.max(0, ...w.map((x) => x.max)), 1)} ms; ${sum('slow')} over 5 ms, ${fmt(sum('slowRunqueueMs'))} ms of those waiting for a core`;
}

/** The UI thread's garbage collections summed over the cockpit's `mem` records, by kind. */
function gcSummary(mems: Array<Mem & { gc?: Record<string, { n: number; ms: number }> }>): string {
  const sum = new Map<string, { n: number; ms: number }>();
  for (const e of mems)
    for (const [k, v] of Object.entries(e.gc ?? {})) {
      const a = sum.get(k) ?? { n: 0, ms: 0 };
      sum.set(k, { n: a.n + v.n, ms: a.ms + v.ms });
    }
  return [...sum].map(([k, v]) => `${k} ${v.n}× ${fmt(v.ms, 1)} ms`).join(', ') || 'none';
}

let stack: TitanStack;
const extras: string[] = [];
const details: string[] = [];
const table: Array<{ target: string; measured: string; pass: boolean | null }> = [];
const row = (target: string, measured: string, pass: boolean | null) => table.push({ target, measured, pass });
const benchFile = (tag: string) => join(tmpdir(), `titan-bench-${tag}-${process.pid}-${Math.random().toString(36).slice(2, 6)}.jsonl`);

/**
 * A container that prints `rate` JSON log lines per second (like tracing output) for `sec` seconds;
 * with `emoji`, each message starts with one, as Titan's own lines do (📈 …).
 */
async function startFlood(name: string, rate: number, sec: number, emoji = false): Promise<void> {
  const mark = emoji ? '\u{1F4C8} ' : '';
  const script = `
    const rate=${rate}, end=Date.now()+${sec}*1000; let n=0;
    const tick=()=>{ if(Date.now()>end) return setTimeout(()=>{},1e9);
      let out=''; for(let i=0;i<rate/100;i++){ n++; out+='{"timestamp":"'+new Date().toISOString()+'","level":"INFO","fields":{"message":"${mark}flood line '+n+' order book update BTCUSDT bid=96000.1 ask=96000.2"}}\\n'; }
      process.stdout.write(out); setTimeout(tick,10); };
    tick();`;
  await runTestContainer(stack.docker, { name, cmd: ['node', '-e', script], binds: [`${NODE_BIN}:/usr/local/bin/node:ro`] });
  extras.push(name);
}

/** A container whose stdout is written as fast as it can be (`yes`: "y\n" without end). */
async function startYes(name: string): Promise<void> {
  await runTestContainer(stack.docker, { name, cmd: ['/bin/busybox', 'yes'] });
  extras.push(name);
}

/** The cockpit following `container` as if it were execution: log pane and evidence watch both. */
/** Settings for the measured cockpit, to compare (BENCH_COCKPIT_ENV='{"TITAN_TUI_UI_CPU_PRIORITY":"normal"}'). */
const cockpitEnv = (): Record<string, string> => JSON.parse(process.env.BENCH_COCKPIT_ENV ?? '{}');

function cockpitOn(container: string, env: Record<string, string> = {}): TmuxSession {
  const contract = JSON.stringify({ containers: { execution: container, brain: stack.names.brain } });
  return new TmuxSession([], stack.env({ TITAN_TUI_CONTRACT: contract, ...mallocEnv(), ...cockpitEnv(), ...env }), COLS, ROWS);
}

beforeAll(async () => {
  // Idle means what the target says: default probes and brain's dashboard at 1/s, no log chatter.
  stack = await startTitanStack({ simEnv: { SIM_NOISE: '0' } });
  // 8 containers in all: the two simulated services and six quiet ones named like production.
  for (const n of ['postgres', 'redis', 'traefik', 'titan-titan-sentinel-1', 'titan-titan-scavenger-1', 'titan-titan-hunter-1']) {
    const name = `${n}-b${stack.names.execution.slice(-5)}`.replace(/^(postgres|redis|traefik)-/, 'titan-$1-');
    await runTestContainer(stack.docker, { name, cmd: ['sleep', '100000'] });
    extras.push(name);
  }
}, 180_000);

afterAll(async () => {
  for (const n of extras) await removeTestContainer(stack.docker, n).catch(() => undefined);
  await stack?.stop();
  const w = Math.max(...table.map((r) => r.target.length), 6);
  const m = Math.max(...table.map((r) => r.measured.length), 8);
  const verdict = (p: boolean | null) => (p === null ? 'info' : p ? 'PASS' : 'FAIL');
  console.log(
    [
      '',
      `cockpit benchmarks, ${new Date().toISOString()}, node ${process.version}, load average at the end ${(await import('node:os'))
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
      ...details,
      '',
      `${'target'.padEnd(w)} | ${'measured'.padEnd(m)} | result`,
      `${'-'.repeat(w)}-|-${'-'.repeat(m)}-|-------`,
      ...table.map((r) => `${r.target.padEnd(w)} | ${r.measured.padEnd(m)} | ${verdict(r.pass)}`),
    ].join('\n'),
  );
});

it.runIf(ONLY.has('start'))(
  'start to first complete frame',
  async () => {
    const firsts: number[] = [];
    const renders: number[] = [];
    const outside: number[] = [];
    const startParts = new Map<string, number[]>();
    const framesBefore: number[] = [];
    const frameMs: number[] = [];
    const late = new Set<string>();
    const mainCpu: number[] = [];
    const allCpu: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      const log = benchFile('first');
      const launched = Date.now();
      const t = new TmuxSession(
        [],
        stack.env({ TITAN_TUI_BENCH_LOG: log, TITAN_TUI_PROBES_INTERVAL_MS: '2000', ...nodeOpts() }),
        COLS,
        ROWS,
      );
      try {
        await t.waitForText(stack.names.execution, 20_000);
        await sleep(1500);
        const ev = readBenchLog(log);
        const first = ev.find((e) => e.ev === 'first-frame');
        const render = ev.find((e) => e.ev === 'first-render');
        if (first?.sinceStartMs !== undefined) firsts.push(first.sinceStartMs);
        if (first) outside.push(first.at - launched);
        if (render?.sinceStartMs !== undefined) renders.push(render.sinceStartMs);
        const cpu = first as (BenchEvent & { mainCpuMs?: number; cpuMs?: number }) | undefined;
        if (cpu?.mainCpuMs !== undefined) mainCpu.push(cpu.mainCpuMs);
        if (cpu?.cpuMs !== undefined) allCpu.push(cpu.cpuMs);
        for (const m of (first as (BenchEvent & { lateBuiltins?: string[] | null }) | undefined)?.lateBuiltins ?? []) late.add(m);
        // What the first complete frame waited for: code loaded, each part's first data, frames drawn.
        for (const e of ev) {
          const key =
            e.ev === 'first-data'
              ? `data ${(e as BenchEvent & { part?: string }).part}`
              : e.ev === 'cockpit-start'
                ? 'code loaded'
                : e.ev === 'services-start'
                  ? 'services started (before the screen code loads)'
                  : null;
          if (key && e.sinceStartMs !== undefined) startParts.set(key, [...(startParts.get(key) ?? []), e.sinceStartMs]);
        }
        const before = ev.filter((e) => e.ev === 'frame' && first && e.at <= first.at) as Array<BenchEvent & { ms?: number }>;
        framesBefore.push(before.length);
        frameMs.push(...before.map((f) => f.ms ?? 0));
      } finally {
        t.kill();
        rmSync(log, { force: true });
      }
      await sleep(500);
    }
    details.push(summary('process start → first frame (any)', renders));
    details.push(summary('process start → first complete frame', firsts));
    details.push(summary('tmux launch → first complete frame (outside clock)', outside));
    // CPU time, less at the mercy of a shared machine than the clock: what the start-up itself costs.
    details.push(summary('  CPU until the first complete frame: the UI thread', mainCpu));
    details.push(summary('  CPU until the first complete frame: all threads', allCpu));
    for (const [part, at] of [...startParts].sort((a, b) => percentile(a[1], 50) - percentile(b[1], 50)))
      details.push(summary(`  process start → ${part}`, at));
    // bin/titan-tui loads these before it sets V8 flags; one loaded after is compiled from its source.
    details.push(`  Node modules compiled without Node's code cache before the first frame: ${[...late].join(', ') || 'none'}`);
    details.push(
      `  frames drawn before the complete one: p50 ${fmt(percentile(framesBefore, 50), 0)}, each p50 ${fmt(percentile(frameMs, 50), 1)} ms, max ${fmt(Math.max(...frameMs), 1)} ms`,
    );
    row(
      'first complete frame (containers, halt, breaker, health) ≤ 300 ms after launch (p50 of starts)',
      `p50 ${fmt(percentile(firsts, 50), 0)} ms, max ${fmt(Math.max(...firsts), 0)} ms (n=${firsts.length})`,
      firsts.length === STARTS && percentile(firsts, 50) <= 300,
    );
  },
  300_000,
);

it.runIf(ONLY.has('idle'))(
  'idle CPU and RSS with 8 containers, default probes, dashboard 1/s',
  async () => {
    // One process at a time, each in its own window: every probe of brain makes it write two request
    // lines to its log, which every follower of that log then reads, so a second cockpit or the floor
    // probing in the same window made the measured cockpit read three to four times the log an
    // operator's cockpit reads (+0.17 % of a core, measured). In order: the cockpit as an operator runs
    // it (the measured figures); the floor (the same I/O in bare Node); the cockpit with the bench log
    // on (what its frames and memory went on; the log adds its own work, so it stays out of the
    // measured window); with BENCH_IDLE_PARTS=1, the floor's parts, each alone in its own process.
    const env = { TITAN_TUI_PROBES_INTERVAL_MS: IDLE_PROBES_MS, ...nodeOpts() };
    const floorScript = join(import.meta.dirname, 'idle-floor.mjs');
    const started = new Set<{ kill: () => unknown }>();
    const cockpit = async (extra: Record<string, string>) => {
      const t = new TmuxSession([], stack.env({ ...env, ...extra }), COLS, ROWS);
      started.add(t);
      await t.waitForText(stack.names.execution, 20_000);
      const listed = (await t.waitFor((s) => (s.match(/running/g) ?? []).length >= 8, 20_000)).match(/running/g)?.length ?? 0;
      return { t, listed, pid: cockpitPid(t) };
    };
    const floorProcess = (parts?: readonly string[]) => {
      const p = spawn(NODE_BIN, [floorScript, JSON.stringify({ ...idleFloorArgs(), ...(parts ? { parts } : {}) })], { stdio: 'ignore' });
      started.add(p);
      return p;
    };
    const stop = (x: { kill: () => unknown }) => {
      x.kill();
      started.delete(x);
    };
    try {
      // 1. The cockpit, alone.
      const measured = await cockpit({});
      await sleep(IDLE_WARMUP_SEC * 1000);
      const cpu = cpuMeter(measured.pid);
      const threads = threadMeter(measured.pid);
      const rss: number[] = [];
      const end = Date.now() + IDLE_SEC * 1000;
      while (Date.now() < end) {
        await sleep(5000);
        rss.push(rssMb(measured.pid));
      }
      const used = cpu();
      const perThread = threads();
      const nThreads = threadCount(measured.pid);
      stop(measured.t);
      const { listed } = measured;
      details.push(
        `idle ${IDLE_SEC} s, ${listed} containers listed, nothing else probing: CPU ${fmt(used, 3)} % of a core (${perThread}), RSS ${fmt(Math.max(...rss))} MB max, ${nThreads} threads`,
      );

      // 2. The floor, alone, in the next window.
      const floor = floorProcess();
      await sleep(IDLE_WARMUP_SEC * 1000);
      const floorCpu = cpuMeter(floor.pid ?? 0);
      const floorThreads = threadMeter(floor.pid ?? 0);
      await sleep(IDLE_SEC * 1000);
      const floorUsed = floorCpu();
      details.push(
        `idle floor (bench/idle-floor.mjs: the same probes, halt-file reads, Docker resyncs, log streams and dashboard messages in bare Node, alone in the next ${IDLE_SEC} s): CPU ${fmt(floorUsed, 3)} % of a core (${floorThreads()}), RSS ${fmt(rssMb(floor.pid ?? 0))} MB; the cockpit ${fmt(used / Math.max(floorUsed, 0.001), 1)}× the floor`,
      );
      stop(floor);
      row(
        `idle, ${listed} containers, ${IDLE_PROBES_MS === '2000' ? 'default probes' : `probes every ${IDLE_PROBES_MS} ms`}: CPU ≤ 0.3 % of a core (${IDLE_SEC} s)`,
        `${fmt(used, 2)} % (floor ${fmt(floorUsed, 2)} %)`,
        listed >= 8 && used <= 0.3,
      );
      row('idle: RSS ≤ 120 MB', `${fmt(Math.max(...rss))} MB`, Math.max(...rss) <= 120);

      // 3. What the idle CPU went on: the cockpit with the bench log, alone, half a window.
      const log = benchFile('idle');
      // BENCH_ALLOC_PROFILE=dir: what the traced cockpit's UI thread allocated, as idle.heapprofile there.
      const alloc: Record<string, string> = process.env.BENCH_ALLOC_PROFILE
        ? { TITAN_TUI_BENCH_ALLOC_PROFILE: join(process.env.BENCH_ALLOC_PROFILE, 'idle.heapprofile') }
        : {};
      const traced = await cockpit({ ...alloc, TITAN_TUI_BENCH_LOG: log, TITAN_TUI_BENCH_FRAMES: '1' });
      await sleep(IDLE_WARMUP_SEC * 1000);
      const measuredFrom = Date.now();
      const tracedCpu = cpuMeter(traced.pid);
      const tracedSec = Math.max(10, Math.round(IDLE_SEC / 2));
      await sleep(tracedSec * 1000);
      const tracedUsed = tracedCpu();
      const events = readBenchLog(log).filter((e) => e.at >= measuredFrom);
      stop(traced.t);
      rmSync(log, { force: true });
      const frames = events.filter((e) => e.ev === 'frame') as Array<BenchEvent & { ms?: number; causes?: string[] }>;
      const causes = new Map<string, number>();
      for (const f of frames) for (const c of f.causes ?? []) causes.set(c, (causes.get(c) ?? 0) + 1);
      details.push(
        `idle, the cockpit with the bench log (CPU ${fmt(tracedUsed, 3)} %, the next ${tracedSec} s): ${frames.length} frames (${fmt(frames.reduce((n, f) => n + (f.ms ?? 0), 0) / Math.max(frames.length, 1), 1)} ms each), drawn after changes to ${
          [...causes]
            .sort((a, b) => b[1] - a[1])
            .map(([k, n]) => `${k} ×${n}`)
            .join(', ') || 'nothing'
        }`,
      );
      details.push(`idle memory by part (the cockpit's own reading): ${memParts(events.filter((e) => e.ev === 'mem').at(-1) as Mem)}`);
      details.push(`idle: UI thread garbage collections in ${tracedSec} s: ${gcSummary(events.filter((x) => x.ev === 'mem') as Mem[])}`);

      // 4. BENCH_IDLE_PARTS=1: the floor by part, each alone in its own bare Node process, together in
      // one more window (only the probes part makes brain log; only the logs part reads it).
      if (process.env.BENCH_IDLE_PARTS === '1') {
        const parts = FLOOR_PARTS.map((part) => ({ part, p: floorProcess([part]) }));
        await sleep(IDLE_WARMUP_SEC * 1000);
        const partCpu = parts.map(({ part, p }) => ({ part, cpu: cpuMeter(p.pid ?? 0) }));
        await sleep(IDLE_SEC * 1000);
        details.push(
          `idle floor by part (each in its own bare Node, the next ${IDLE_SEC} s): ${partCpu.map(({ part, cpu }) => `${FLOOR_PART_NAMES[part]} ${fmt(cpu(), 3)} %`).join(', ')}`,
        );
        for (const { p } of parts) stop(p);
      }
    } finally {
      for (const x of started) x.kill();
    }
  },
  // Two warm-ups and three or four windows, plus the stack's start: a long warm-up (BENCH_IDLE_WARMUP_SEC=300, the settled figure) must not time out.
  300_000 + 2 * IDLE_WARMUP_SEC * 1000 + 4 * IDLE_SEC * 1000,
);

const FLOOR_PARTS = ['probes', 'halt', 'logs', 'nats', 'resync', 'events'] as const;
const FLOOR_PART_NAMES: Record<(typeof FLOOR_PARTS)[number], string> = {
  probes: 'the three probe GETs',
  halt: 'the halt-file HEAD',
  logs: "brain's and execution's logs followed",
  nats: 'the dashboard subscription',
  resync: 'the re-list every 30 s',
  events: "Docker's event stream",
};

/** What bench/idle-floor.mjs needs to do an idle cockpit's I/O on this stack (its settings and contract). */
function idleFloorArgs() {
  const env = stack.env();
  const contract = resolveContract('titan', JSON.parse(String(env.TITAN_TUI_CONTRACT)));
  const brain = String(env.TITAN_TUI_BRAIN_URL);
  const execution = String(env.TITAN_TUI_EXECUTION_URL);
  return {
    urls: [
      `${brain}${contract.http.brain.health.path}`,
      `${brain}${contract.http.brain.status.path}`,
      `${execution}${contract.http.execution.health.path}`,
    ],
    everyMs: Number(IDLE_PROBES_MS),
    dockerSocket: String(env.DOCKER_HOST).replace(/^unix:\/\//, ''),
    container: contract.containers.execution,
    follow: [contract.containers.execution, contract.containers.brain],
    haltPath: contract.haltFile.path,
    watch: contract.containers.watch,
    nats: { servers: String(env.NATS_URL).split(','), user: env.NATS_USER, pass: env.NATS_PASS },
    subject: contract.nats.dashboardSubject,
    events: WATCHED_EVENTS,
  };
}

interface FloodResult {
  lat: number[];
  split: ReturnType<typeof keySplit>;
  bangLat: number[];
  /** Each key of the cycle on its own. */
  perKey: ReadonlyArray<readonly [string, number[]]>;
  sent: number;
  maxRss: number;
  cpu: number;
  perThread: string;
  priority: string;
  paneLag: number[];
  dockerLag: number[];
  lagDiff: number[];
  screen: string;
  dockerMbps: number;
  /** The cockpit's own memory reading when its RSS was highest. */
  mem: Mem | undefined;
  /** /proc smaps at the end of the flood. */
  resident: string;
  /** The UI thread's garbage collections during the flood. */
  gc: string;
  /** The UI thread inside stdout.write (a terminal's writes are synchronous) during the flood. */
  stdoutWrite: string;
  /** The floor: key sent → read by a process that does nothing else (bench/key-echo.mjs), same flood. */
  floor: number[];
  /** The UI thread's event loop delay, max and p99 of each 5 s. */
  loopMax: number[];
  loopP99: number[];
}

/**
 * Keys every 250 ms in a cycle that always changes the frame: `w` (wrap), `!` (the emergency stop
 * prompt), Escape (closes it). Samples RSS, the pane's lag (screen) and `docker logs -f`'s lag.
 */
async function floodRun(container: string, seconds: number, ready: (screen: string) => boolean): Promise<FloodResult> {
  const log = benchFile('flood');
  // BENCH_ALLOC_PROFILE=dir: what the UI thread allocated during the flood, as a .heapprofile there.
  const alloc: Record<string, string> = process.env.BENCH_ALLOC_PROFILE
    ? { TITAN_TUI_BENCH_ALLOC_PROFILE: join(process.env.BENCH_ALLOC_PROFILE, `${container}.heapprofile`) }
    : {};
  const frames: Record<string, string> = process.env.BENCH_FRAMES === '1' ? { TITAN_TUI_BENCH_FRAMES: '1' } : {};
  const t = cockpitOn(container, { TITAN_TUI_BENCH_LOG: log, TITAN_TUI_BENCH_LOOP_DELAY: '1', ...frames, ...alloc, ...nodeOpts() });
  const follower = new DockerFollower(stack.docker.host, container);
  const echoFile = benchFile('echo');
  const echo = new TmuxSession([], {}, 40, 5, undefined, [NODE_BIN, join(import.meta.dirname, 'key-echo.mjs'), echoFile]);
  const keysSent: number[] = [];
  let keys: TmuxKeys | null = null;
  let echoKeys: TmuxKeys | null = null;
  try {
    await t.waitFor(ready, 30_000);
    keys = new TmuxKeys(t);
    echoKeys = new TmuxKeys(echo);
    keys.send('Tab', false); // focus the log pane: w (wrap) is a log pane key
    await sleep(300);
    // Docker's own time at the head of each line, as `docker logs --timestamps` prints it: both lags are
    // then read on the same clock. (A line's own time can be seconds older: a container whose stdout
    // pipe is full holds its lines before Docker even reads them.)
    keys.send('t');
    await sleep(300);
    const pid = cockpitPid(t);
    const sent: number[] = keysSent;
    const echoSent: number[] = [];
    const byKey = new Map<string, number[]>();
    const paneLag: number[] = [];
    const dockerLag: number[] = [];
    const lagDiff: number[] = [];
    let maxRss = 0;
    const cpu = cpuMeter(pid);
    const threads = threadMeter(pid);
    const t0 = Date.now();
    const b0 = follower.bytes;
    const cycle = ['w', '!', 'Escape'];
    for (let i = 0; Date.now() - t0 < seconds * 1000; i++) {
      const key = cycle[i % cycle.length] as string;
      const at = keys.send(key, key !== 'Escape');
      sent.push(at);
      byKey.set(key, [...(byKey.get(key) ?? []), at]);
      echoSent.push(echoKeys.send('x'));
      maxRss = Math.max(maxRss, rssMb(pid));
      await sleep(125);
      const screen = await screenAsync(t);
      const now = Date.now();
      const p = paneLagMs(screen, now);
      const d = follower.lagMs(now);
      if (p !== null) paneLag.push(p);
      if (d !== null) dockerLag.push(d);
      if (p !== null && d !== null) lagDiff.push(p - d);
      await sleep(Math.max(0, at + 250 - Date.now()));
    }
    const used = cpu();
    const perThread = threads();
    const priority = priorityOf(pid);
    const resident = residentMappings(pid);
    const dockerMbps = (follower.bytes - b0) / 1e6 / ((Date.now() - t0) / 1000);
    await sleep(500);
    const events = readBenchLog(log);
    const mems = events.filter((e) => e.ev === 'mem') as Mem[];
    const during = mems.filter((e) => e.at > t0 + 5000) as Array<Mem & { loopDelayMaxMs?: number; loopDelayP99Ms?: number }>;
    const mem = mems.reduce<Mem | undefined>((a, e) => ((e.rss ?? 0) > (a?.rss ?? -1) ? e : a), undefined);
    const lat = keyLatencies(sent, events);
    const bangLat = keyLatencies(byKey.get('!') ?? [], events);
    const perKey = [...byKey].map(([key, at]) => [key, keyLatencies(at, events)] as const);
    const split = keySplit(sent, events);
    const echoed = readFileSync(echoFile, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => Number(l.split(' ')[0]));
    // In order, one read per key: keys go 250 ms apart.
    const floor = echoSent.flatMap((at, i) => (echoed[i] === undefined ? [] : [echoed[i] - at]));
    return {
      lat,
      bangLat,
      perKey,
      split,
      sent: sent.length,
      maxRss,
      cpu: used,
      perThread,
      priority,
      paneLag,
      dockerLag,
      lagDiff,
      screen: t.screen(),
      dockerMbps,
      mem,
      resident,
      gc: gcSummary(during),
      stdoutWrite: writeSummary(during),
      floor,
      loopMax: during.map((e) => e.loopDelayMaxMs ?? 0),
      loopP99: during.map((e) => e.loopDelayP99Ms ?? 0),
    };
  } finally {
    keys?.close();
    echoKeys?.close();
    echo.kill();
    follower.stop();
    t.kill();
    if (process.env.BENCH_KEEP_LOGS) {
      const { copyFileSync } = await import('node:fs');
      copyFileSync(log, join(process.env.BENCH_KEEP_LOGS, `${container}.jsonl`));
      writeFileSync(join(process.env.BENCH_KEEP_LOGS, `${container}.sent.json`), JSON.stringify(keysSent));
    }
    rmSync(log, { force: true });
    rmSync(echoFile, { force: true });
  }
}

function reportFlood(label: string, r: FloodResult): void {
  const alive = !r.screen.includes('EXITED');
  details.push(summary(`${label}: key sent → its frame (w, !, Esc)`, r.lat));
  for (const [key, lat] of r.perKey) details.push(summary(`${label}:   ${key} sent → its frame`, lat));
  details.push(summary(`${label}:   of which key sent → read by the cockpit`, r.split.input));
  details.push(summary(`${label}:   of which key read → its frame written`, r.split.draw));
  details.push(summary(`${label}:     of that, the UI thread's own CPU time`, r.split.cpu));
  details.push(summary(`${label}:     of that, the UI thread ready but waiting for a core`, r.split.runqueue));
  details.push(summary(`${label}: floor: key sent → read by a do-nothing process`, r.floor));
  details.push(summary(`${label}: log pane behind live (screen)`, r.paneLag));
  details.push(summary(`${label}: docker logs -f behind live`, r.dockerLag));
  details.push(summary(`${label}: pane lag − docker logs -f lag`, r.lagDiff));
  details.push(
    `${label}: keys answered ${r.lat.length}/${r.sent}, max RSS ${fmt(r.maxRss)} MB, CPU ${fmt(r.cpu)} % of a core (${r.perThread}; ${r.priority}), docker logs -f received ${fmt(r.dockerMbps)} MB/s, alive ${alive}`,
  );
  details.push(`${label}: memory by part at the highest RSS (the cockpit's own reading): ${memParts(r.mem)}`);
  details.push(`${label}: UI thread garbage collections: ${r.gc}`);
  details.push(`${label}: UI thread inside stdout.write (the terminal's writes block while it reads slowly): ${r.stdoutWrite}`);
  details.push(
    `${label}: UI thread busy at a stretch (event loop delay, per 5 s): max ${r.loopMax.map((v) => fmt(v, 0)).join(', ')} ms; p99 ${r.loopP99.map((v) => fmt(v, 0)).join(', ')} ms`,
  );
  details.push(`${label}: where the resident memory is at the end (/proc smaps): ${r.resident}`);
  const skip = /⏭ skipped [^│]*/.exec(r.screen)?.[0]?.trim();
  if (skip) details.push(`${label}: pane shows "${skip}"`);
  const p99 = percentile(r.lat, 99);
  row(
    `${label}: any key → its frame, p99 ≤ 50 ms`,
    `p99 ${fmt(p99, 0)} ms (! p99 ${fmt(percentile(r.bangLat, 99), 0)} ms), ${r.lat.length}/${r.sent} keys; floor p99 ${fmt(percentile(r.floor, 99), 0)} ms`,
    alive && r.lat.length >= r.sent * 0.95 && p99 <= 50 && percentile(r.bangLat, 99) <= 50,
  );
  row(`${label}: RSS ≤ 150 MB`, `max ${fmt(r.maxRss)} MB`, r.maxRss <= 150);
  const d90 = percentile(r.lagDiff, 90);
  row(
    `${label}: pane ≤ 1 s further behind live than docker logs -f (p90 of the difference)`,
    `pane p50 ${fmt(percentile(r.paneLag, 50) / 1000, 2)} s, docker p50 ${fmt(percentile(r.dockerLag, 50) / 1000, 2)} s, difference p90 ${fmt(d90 / 1000, 2)} s`,
    r.lagDiff.length > 0 && d90 <= 1000,
  );
}

it.runIf(ONLY.has('flood'))(
  `log flood ${FLOOD_RATE} lines/s`,
  async () => {
    const flood = `titan-flood-${stack.names.execution.slice(-5)}`;
    await startFlood(flood, FLOOD_RATE, FLOOD_SEC + 20);
    try {
      const r = await floodRun(flood, FLOOD_SEC, (s) => s.includes('flood line'));
      reportFlood(`${(FLOOD_RATE / 1000).toFixed(0)}k lines/s, ${FLOOD_SEC} s`, r);
    } finally {
      await removeTestContainer(stack.docker, flood);
    }
  },
  600_000,
);

// The same flood with Titan's kind of line: an emoji in each. Every log row is then outside the
// narrow set, so each frame measures and tokenizes it in full (string-width, Ink's tokenizer).
it.runIf(ONLY.has('emoji'))(
  `log flood ${FLOOD_RATE} lines/s of Titan-like lines (an emoji in each)`,
  async () => {
    const flood = `titan-emoji-${stack.names.execution.slice(-5)}`;
    await startFlood(flood, FLOOD_RATE, FLOOD_SEC + 20, true);
    try {
      const r = await floodRun(flood, FLOOD_SEC, (s) => s.includes('flood line'));
      reportFlood(`${(FLOOD_RATE / 1000).toFixed(0)}k lines/s with emoji, ${FLOOD_SEC} s`, r);
    } finally {
      await removeTestContainer(stack.docker, flood);
    }
  },
  600_000,
);

it.runIf(ONLY.has('yes'))(
  'log flood as fast as a container can write (yes)',
  async () => {
    const flood = `titan-yes-${stack.names.execution.slice(-5)}`;
    await startYes(flood);
    try {
      const r = await floodRun(flood, YES_SEC, (s) => /\d\d:\d\d:\d\d\.\d{3} +y\b/.test(s));
      reportFlood(`yes flood, ${YES_SEC} s`, r);
    } finally {
      await removeTestContainer(stack.docker, flood);
    }
  },
  600_000,
);

it.runIf(ONLY.has('soak'))(
  'accelerated soak: RSS growth after warm-up, and what grew',
  async () => {
    const flood = `titan-soak-${stack.names.execution.slice(-5)}`;
    const minutes = SOAK_MIN;
    // Accelerated: probes 8× faster (250 ms), a continuous 2,000 lines/s log stream, a key every
    // 10 s and a history reload (1 minute of log, then back to the tail) every 30 s.
    await startFlood(flood, 2000, minutes * 60 + 60);
    const dir = join(tmpdir(), `titan-bench-heap-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const snaps = (prefix: string) => readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.heapsnapshot'));
    const log = benchFile('soak');
    // SIGUSR2: node writes the UI thread's heap snapshot (Heap.*), the cockpit's bench probe the log worker's (Worker.*).
    const t = cockpitOn(flood, {
      TITAN_TUI_PROBES_INTERVAL_MS: '250',
      TITAN_TUI_BENCH_LOG: log,
      TITAN_TUI_BENCH_HEAP_DIR: dir,
      ...nodeOpts(`--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`),
    });
    const snapshot = async (n: number, pid: number) => {
      process.kill(pid, 'SIGUSR2');
      const pick = (prefix: string) => () => (snaps(prefix).length >= n ? join(dir, snaps(prefix).sort()[n - 1] as string) : undefined);
      return { main: await settledFile(pick('Heap.')), worker: await settledFile(pick('Worker.')) };
    };
    try {
      await t.waitForText('flood line', 20_000);
      t.key('Tab'); // focus the log pane: t (timestamps) is a log pane key
      const pid = cockpitPid(t);
      const t0 = Date.now();
      let warm = 0;
      let first: { main: string; worker: string } | null = null;
      const samples: number[] = [];
      let i = 0;
      while (Date.now() - t0 < minutes * 60_000) {
        await sleep(10_000);
        i++;
        t.send('t'); // timestamps on/off
        if (i % 3 === 0) {
          t.send('1'); // 1 minute of history
          await sleep(2000);
          t.send('0'); // back to the tail
        }
        if (!first && Date.now() - t0 >= SOAK_WARMUP_MIN * 60_000) {
          first = await snapshot(1, pid);
          await sleep(10_000); // the snapshot itself allocates: let it settle before the baseline
          warm = rssMb(pid);
        }
        samples.push(rssMb(pid));
      }
      const end = rssMb(pid);
      details.push(`soak: where the resident memory is at the end (/proc smaps): ${residentMappings(pid)}`);
      const last = await snapshot(2, pid);
      const growth = ((end - warm) / warm) * 100;
      details.push(
        `soak ${minutes} accelerated min (probes 250 ms, 2,000 lines/s, history reloads): RSS after ${SOAK_WARMUP_MIN} min warm-up ${fmt(warm)} MB, at end ${fmt(end)} MB, max ${fmt(Math.max(...samples))} MB`,
      );
      if (first) {
        details.push(`soak heap snapshots, UI thread, start → end:\n${formatDiff(summarize(first.main), summarize(last.main), 10)}`);
        details.push(`soak heap snapshots, log worker, start → end:\n${formatDiff(summarize(first.worker), summarize(last.worker), 10)}`);
      }
      const mem = readBenchLog(log).filter((e) => e.ev === 'mem') as Mem[];
      const part = memParts;
      const warmAt = t0 + SOAK_WARMUP_MIN * 60_000 + 10_000;
      details.push(
        `soak memory by part (the cockpit's own reading): after warm-up ${part(mem.find((e) => e.at >= warmAt))}; at end ${part(mem.at(-1))}`,
      );
      row(
        `soak ${minutes} accelerated min: RSS growth after warm-up ≤ 5 %`,
        `${fmt(growth)} % (${fmt(warm)} → ${fmt(end)} MB)`,
        growth <= 5,
      );
    } finally {
      t.kill();
      rmSync(dir, { recursive: true, force: true });
      rmSync(log, { force: true });
      await removeTestContainer(stack.docker, flood);
    }
  },
  7_200_000,
);
