/**
 * Issue 3 benchmarks, on the real stack (nats-server, dockerd, simulated Titan in containers),
 * with bin/titan-tui running in tmux as an operator runs it:
 *   - start to first complete frame (containers listed, halt file read);
 *   - idle CPU with 8 containers, probes every 2 s and brain's dashboard at 1/s;
 *   - a container writing 20,000 lines/s for 30 s: key → frame latency, RSS, dropped lines;
 *   - RSS after an accelerated soak versus after 1 minute.
 *
 *   npm run bench -- cockpit
 * Knobs: BENCH_IDLE_SEC (60), BENCH_FLOOD_SEC (30), BENCH_FLOOD_RATE (20000), BENCH_SOAK_MIN (30), BENCH_STARTS (5).
 */
import { readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { BASE_IMAGE, dockerClient, NODE_BIN, PROJECT_ROOT, removeTestContainer, runTestContainer } from '../test/helpers/docker.js';
import { startTitanStack, type TitanStack } from '../test/helpers/titan-stack.js';
import { TmuxSession } from '../test/helpers/tmux.js';
import { fmt, percentile, summary } from './stats.js';

const IDLE_SEC = Number(process.env.BENCH_IDLE_SEC ?? 60);
const FLOOD_SEC = Number(process.env.BENCH_FLOOD_SEC ?? 30);
const FLOOD_RATE = Number(process.env.BENCH_FLOOD_RATE ?? 20_000);
const SOAK_MIN = Number(process.env.BENCH_SOAK_MIN ?? 30);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const TICK = 100; // clock ticks per second (getconf CLK_TCK on Linux x86_64)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Extra Node flags for the cockpit process (to compare heap settings in one run). */
const nodeOpts = (): Record<string, string> => (process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {});

let stack: TitanStack;
const extras: string[] = [];
const results: string[] = [];

/** The node process running the cockpit inside the tmux pane. */
function cockpitPid(t: TmuxSession): number {
  const shell = t.panePid();
  const kids = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(shell)], { encoding: 'utf8' });
  const line = kids.split('\n').find((l) => l.trim());
  if (!line) throw new Error(`no node child of ${shell}: ${kids}`);
  return Number(line.trim().split(/\s+/)[0]);
}
const cpuTicks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(f[11]) + Number(f[12]);
};
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const benchLog = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { ev: string; sinceStartMs?: number; at: number; keyAt?: number });

/** A container that prints `rate` JSON log lines per second (like tracing output) for `sec` seconds. */
async function startFlood(name: string, rate: number, sec: number): Promise<void> {
  const script = `
    const rate=${rate}, end=Date.now()+${sec}*1000; let n=0;
    const tick=()=>{ if(Date.now()>end) return setTimeout(()=>{},1e9);
      let out=''; for(let i=0;i<rate/100;i++){ n++; out+='{"timestamp":"'+new Date().toISOString()+'","level":"INFO","fields":{"message":"flood line '+n+' order book update BTCUSDT bid=96000.1 ask=96000.2"}}\\n'; }
      process.stdout.write(out); setTimeout(tick,10); };
    tick();`;
  await runTestContainer(stack.docker, {
    name,
    cmd: ['node', '-e', script],
    binds: [`${NODE_BIN}:/usr/local/bin/node:ro`],
  });
  extras.push(name);
}

beforeAll(async () => {
  // Idle means what the target says: probes every 2 s and brain's dashboard at 1/s, no log chatter.
  stack = await startTitanStack({ simEnv: { SIM_NOISE: '0' } });
  // 8 containers in all: the two simulated services and six quiet ones named like production.
  for (const n of ['postgres', 'redis', 'traefik', 'titan-titan-sentinel-1', 'titan-titan-scavenger-1', 'titan-titan-hunter-1']) {
    const name = `${n}-b${stack.names.execution.slice(-5)}`.replace(/^(postgres|redis|traefik)-/, 'titan-$1-');
    await runTestContainer(stack.docker, { name, cmd: ['sleep', '100000'] });
    extras.push(name);
  }
}, 180_000);

afterAll(async () => {
  for (const n of extras) await removeTestContainer(stack.docker, n);
  await stack?.stop();
  console.log(['', `cockpit benchmarks, ${new Date().toISOString()}`, ...results].join('\n'));
});

it('start to first complete frame', async () => {
  const firsts: number[] = [];
  const renders: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const log = join(tmpdir(), `titan-bench-first-${process.pid}-${i}.jsonl`);
    const t = new TmuxSession([], stack.env({ TITAN_TUI_BENCH_LOG: log, ...nodeOpts() }), 160, 45);
    try {
      await t.waitForText(stack.names.execution, 20_000);
      await sleep(300);
      const ev = benchLog(log);
      const first = ev.find((e) => e.ev === 'first-frame');
      const render = ev.find((e) => e.ev === 'first-render');
      if (first?.sinceStartMs !== undefined) firsts.push(first.sinceStartMs);
      if (render?.sinceStartMs !== undefined) renders.push(render.sinceStartMs);
    } finally {
      t.kill();
      rmSync(log, { force: true });
    }
  }
  results.push(summary('process start → first frame (any)', renders));
  results.push(summary('process start → first complete frame (target ≤ 400)', firsts));
}, 300_000);

it('idle CPU with 8 containers, probes every 2 s, dashboard 1/s', async () => {
  const t = new TmuxSession([], stack.env({ TITAN_TUI_PROBES_INTERVAL_MS: '2000', ...nodeOpts() }), 160, 45);
  try {
    await t.waitForText(stack.names.execution, 20_000);
    const listed = (await t.waitFor((s) => (s.match(/running/g) ?? []).length >= 8, 20_000)).match(/running/g)?.length;
    await sleep(5000);
    const pid = cockpitPid(t);
    const c0 = cpuTicks(pid);
    const t0 = Date.now();
    await sleep(IDLE_SEC * 1000);
    const cpu = ((cpuTicks(pid) - c0) / TICK / ((Date.now() - t0) / 1000)) * 100;
    results.push(
      `idle CPU over ${IDLE_SEC} s with ${listed} containers listed: ${fmt(cpu, 2)} % of one core (target ≤ 0.5 %), RSS ${fmt(rssMb(pid))} MB`,
    );
  } finally {
    t.kill();
  }
}, 600_000);

it('log flood: key latency, RSS, dropped lines', async () => {
  const flood = `titan-flood-${stack.names.execution.slice(-5)}`;
  const log = join(tmpdir(), `titan-bench-flood-${process.pid}.jsonl`);
  rmSync(log, { force: true });
  await startFlood(flood, FLOOD_RATE, FLOOD_SEC + 5);
  // The cockpit follows the flooding container as if it were execution (log pane and evidence watch both).
  const contract = JSON.stringify({ containers: { execution: flood, brain: stack.names.brain } });
  const t = new TmuxSession([], stack.env({ TITAN_TUI_CONTRACT: contract, TITAN_TUI_BENCH_LOG: log, ...nodeOpts() }), 160, 45);
  try {
    await t.waitForText('flood line', 20_000);
    const pid = cockpitPid(t);
    const sent: number[] = [];
    let maxRss = 0;
    const c0 = cpuTicks(pid);
    const t0 = Date.now();
    while (Date.now() - t0 < FLOOD_SEC * 1000) {
      sent.push(Date.now());
      t.send('w'); // toggle wrap: a key that always changes the frame
      maxRss = Math.max(maxRss, rssMb(pid));
      await sleep(250);
    }
    const cpu = ((cpuTicks(pid) - c0) / TICK / ((Date.now() - t0) / 1000)) * 100;
    await sleep(500);
    const frames = benchLog(log).filter((e) => e.ev === 'key-frame');
    const lat: number[] = [];
    let j = 0;
    for (const s of sent) {
      while (j < frames.length && (frames[j]?.at ?? 0) < s) j++;
      const f = frames[j];
      if (f) {
        lat.push(f.at - s);
        j++;
      }
    }
    const screen = t.screen();
    const dropped = /dropped (\d+)/.exec(screen)?.[1] ?? '0';
    const alive = screen.includes('flood line') && !screen.includes('EXITED');
    results.push(summary(`flood ${FLOOD_RATE} lines/s for ${FLOOD_SEC} s: key sent → next frame (target p99 ≤ 100)`, lat));
    results.push(
      `flood: keys answered ${lat.length}/${sent.length}, max RSS ${fmt(maxRss)} MB (target < 150), CPU ${fmt(cpu)} % of one core, dropped lines shown: ${dropped}, UI alive: ${alive}`,
    );
  } finally {
    t.kill();
    rmSync(log, { force: true });
    await removeTestContainer(stack.docker, flood);
  }
}, 600_000);

it('accelerated soak: RSS after the soak vs after 1 minute', async () => {
  const flood = `titan-soak-${stack.names.execution.slice(-5)}`;
  const minutes = SOAK_MIN;
  // Accelerated: probes 20× faster (100 ms), a continuous 2,000 lines/s log stream, and an
  // action report every 10 s, so 30 minutes here carry far more than 30 minutes of a normal day.
  await startFlood(flood, 2000, minutes * 60 + 30);
  const contract = JSON.stringify({ containers: { execution: flood, brain: stack.names.brain } });
  const t = new TmuxSession([], stack.env({ TITAN_TUI_CONTRACT: contract, TITAN_TUI_PROBES_INTERVAL_MS: '250', ...nodeOpts() }), 160, 45);
  try {
    await t.waitForText('flood line', 20_000);
    const pid = cockpitPid(t);
    const t0 = Date.now();
    let at1 = 0;
    const samples: number[] = [];
    while (Date.now() - t0 < minutes * 60_000) {
      await sleep(10_000);
      t.send('t'); // some interaction: timestamps on/off
      const r = rssMb(pid);
      samples.push(r);
      if (!at1 && Date.now() - t0 >= 60_000) at1 = r;
    }
    const end = rssMb(pid);
    results.push(
      `soak ${minutes} min (probes 250 ms, 2,000 lines/s): RSS at 1 min ${fmt(at1)} MB, at end ${fmt(end)} MB, growth ${fmt(((end - at1) / at1) * 100)} % (target ≤ 10 %), max ${fmt(Math.max(...samples))} MB`,
    );
  } finally {
    t.kill();
    await removeTestContainer(stack.docker, flood);
  }
}, 7_200_000);

void BASE_IMAGE;
void PROJECT_ROOT;
void dockerClient;
void percentile;
