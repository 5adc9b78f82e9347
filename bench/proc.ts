/** Measuring the cockpit from outside: its process, its screen in tmux, a plain `docker logs -f` beside it. */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { TmuxSession } from '../test/helpers/tmux.js';

const execFileP = promisify(execFile);
/** Clock ticks per second (getconf CLK_TCK on Linux x86_64). */
const TICK = 100;

/** The node process running the cockpit inside the tmux pane. */
export function cockpitPid(t: TmuxSession): number {
  const shell = t.panePid();
  const kids = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(shell)], { encoding: 'utf8' });
  const line = kids.split('\n').find((l) => l.trim());
  if (!line) throw new Error(`no node child of ${shell}: ${kids}`);
  return Number(line.trim().split(/\s+/)[0]);
}

/** CPU seconds used so far by the process (all threads, exited ones included). */
export function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) / TICK;
}

export function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

/** Threads of the process (main, libuv pool, V8 platform, workers). */
export function threadCount(pid: number): number {
  return Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

/** CPU seconds per thread (name from /proc: the main thread is "node", Node's workers have their own names). */
export function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const key = tid === String(pid) ? 'main' : name;
      if (process.env.BENCH_SPLIT_SYS) {
        out.set(`${key}:usr`, (out.get(`${key}:usr`) ?? 0) + Number(f[11]) / TICK);
        out.set(`${key}:sys`, (out.get(`${key}:sys`) ?? 0) + Number(f[12]) / TICK);
      } else out.set(key, (out.get(key) ?? 0) + (Number(f[11]) + Number(f[12])) / TICK);
    } catch {
      /* the thread ended */
    }
  }
  return out;
}

/**
 * The CPU priority the cockpit runs at, read from outside: the UI thread's and the log worker's
 * nice values (/proc/PID/task/TID/stat, field 19) and the session group's (/proc/PID/autogroup).
 */
export function priorityOf(pid: number): string {
  const nice = (tid: string) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), nice: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16] };
  };
  try {
    const worker = readdirSync(`/proc/${pid}/task`)
      .map(nice)
      .find((t) => t.name === 'WorkerThread');
    let group = 'none';
    try {
      group = /nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'utf8'))?.[1] ?? 'none';
    } catch {
      /* no autogroups on this kernel */
    }
    return `nice: UI thread ${nice(String(pid)).nice}, log worker ${worker?.nice ?? '?'}, session group ${group}`;
  } catch {
    return 'nice: unknown (the process ended)';
  }
}

/** Per-thread CPU % of a core over a window, busiest first: "main 12.0 %, WorkerThread 30.1 %, …". */
export function threadMeter(pid: number): () => string {
  const a = threadCpu(pid);
  const t0 = performance.now();
  return () => {
    const sec = (performance.now() - t0) / 1000;
    const b = threadCpu(pid);
    return [...b.entries()]
      .map(([k, v]) => [k, ((v - (a.get(k) ?? 0)) / sec) * 100] as const)
      .filter(([, p]) => p >= 0.01)
      .sort((x, y) => y[1] - x[1])
      .map(([k, p]) => `${k} ${p.toFixed(p < 1 ? 2 : 1)} %`)
      .join(', ');
  };
}

/** CPU % of one core over a window: call once to start, the returned function to read. */
export function cpuMeter(pid: number): () => number {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  return () => ((cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000)) * 100;
}

export interface BenchEvent {
  ev: string;
  sinceStartMs?: number;
  at: number;
  keyAt?: number;
  lastKeyAt?: number;
  /** key-frame: the UI thread's own CPU time from the key's read to its frame. */
  cpuMs?: number;
  runqueueMs?: number;
  rss?: number;
}

export function readBenchLog(file: string): BenchEvent[] {
  try {
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as BenchEvent);
  } catch {
    return [];
  }
}

/**
 * For each key sent (bench clock), the first frame the cockpit drew after handling it (cockpit clock,
 * same host): the first key-frame whose key was read at or after the send. Keys read before one frame
 * share it. Keys with no such frame are left out (count them against the keys sent).
 */
export function keyLatencies(sent: number[], events: BenchEvent[]): number[] {
  const frames = events.filter((e) => e.ev === 'key-frame' && e.keyAt !== undefined);
  const lat: number[] = [];
  let j = 0;
  for (const s of sent) {
    while (j < frames.length && (frames[j]?.lastKeyAt ?? frames[j]?.keyAt ?? 0) < s) j++;
    const f = frames[j];
    if (f) lat.push(f.at - s);
  }
  return lat;
}

/**
 * The same matching, split: send → the cockpit reads the key, read → its frame is written, and the
 * UI thread's own CPU time within the latter (the rest it waited, mostly for a core).
 */
export function keySplit(sent: number[], events: BenchEvent[]): { input: number[]; draw: number[]; cpu: number[]; runqueue: number[] } {
  const frames = events.filter((e) => e.ev === 'key-frame' && e.keyAt !== undefined);
  const input: number[] = [];
  const draw: number[] = [];
  const cpu: number[] = [];
  const runqueue: number[] = [];
  let j = 0;
  for (const s of sent) {
    while (j < frames.length && (frames[j]?.lastKeyAt ?? frames[j]?.keyAt ?? 0) < s) j++;
    const f = frames[j];
    if (!f) continue;
    const read = f.lastKeyAt ?? f.keyAt ?? f.at;
    input.push(read - s);
    draw.push(f.at - read);
    if (f.cpuMs !== undefined) cpu.push(f.cpuMs);
    if (f.runqueueMs !== undefined) runqueue.push(f.runqueueMs);
  }
  return { input, draw, cpu, runqueue };
}

const CLOCK = /\b(\d\d):(\d\d):(\d\d)\.(\d{3})\b/g;

/**
 * How far behind live the log pane is, read off the screen: the newest `HH:MM:SS.mmm` time shown
 * (every pane line carries its own time, or Docker's) against the wall clock, in UTC like the pane.
 * `from`: the column where the log pane starts (the rest of the screen shows no milliseconds anyway).
 */
export function paneLagMs(screen: string, now = Date.now(), from = 0): number | null {
  let newest = -1;
  for (const row of screen.split('\n')) {
    for (const m of row.slice(from).matchAll(CLOCK)) {
      const ms = ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
      newest = Math.max(newest, ms);
    }
  }
  if (newest < 0) return null;
  const day = now - (now % 86_400_000);
  let at = day + newest;
  if (at > now + 3_600_000) at -= 86_400_000; // shown before midnight, read after it
  return now - at;
}

/**
 * A plain `docker logs -f --timestamps --tail 0` of the container, as an operator would run it. Its
 * output goes to a small reader process of its own (never through this busy process, whose pauses
 * would hold the pipe back), which reports Docker's time of the newest whole line every 100 ms:
 * the lag is now minus that time.
 */
export class DockerFollower {
  private readonly child: ChildProcess;
  private newest = Number.NaN;
  bytes = 0;

  constructor(dockerHost: string, container: string) {
    const reader = `
      let newest = '', bytes = 0, tail = '';
      process.stdin.on('data', (c) => {
        bytes += c.length;
        const last = c.lastIndexOf(10);
        if (last < 0) return;
        const prev = c.lastIndexOf(10, last - 1);
        const head = prev >= 0 ? c.toString('latin1', prev + 1, Math.min(last, prev + 40)) : tail + c.toString('latin1', 0, 40);
        newest = head.slice(0, head.indexOf(' '));
        tail = c.toString('latin1', last + 1, Math.min(c.length, last + 41));
      });
      setInterval(() => process.stdout.write(newest + ' ' + bytes + '\\n'), 100);`;
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    this.child = spawn('sh', ['-c', `docker logs -f --timestamps --tail 0 ${q(container)} 2>&1 | ${q(process.execPath)} -e ${q(reader)}`], {
      env: { ...process.env, DOCKER_HOST: dockerHost },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    let buf = '';
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (s: string) => {
      buf += s;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      const last = lines.at(-1);
      if (!last) return;
      const [ts, n] = last.split(' ');
      const t = Date.parse(ts ?? '');
      if (Number.isFinite(t)) this.newest = t;
      this.bytes = Number(n) || this.bytes;
    });
  }

  /** ms behind live, or null before the first line. */
  lagMs(now = Date.now()): number | null {
    return Number.isFinite(this.newest) ? now - this.newest : null;
  }

  stop(): void {
    try {
      if (this.child.pid) process.kill(-this.child.pid, 'SIGTERM'); // the shell, docker and the reader
    } catch {
      /* gone */
    }
  }
}

/**
 * Keys through one long-lived tmux control-mode client, the way a connected terminal sends them: no
 * `tmux send-keys` process per key (forking one costs 10-40 ms on a busy machine, which is not the
 * cockpit's latency). The send time is taken just before the command goes to tmux.
 */
export class TmuxKeys {
  private readonly child: ChildProcess;

  constructor(t: TmuxSession) {
    this.child = spawn('tmux', ['-L', t.name, '-C', 'attach', '-t', t.name], { stdio: ['pipe', 'ignore', 'ignore'] });
    this.target = t.name;
  }

  private readonly target: string;

  /** Sends a key (tmux names: Escape, Tab, Enter) or literal text; returns the send time. */
  send(key: string, literal = true): number {
    const at = Date.now();
    const arg = `'${key.replace(/'/g, `'\\''`)}'`;
    this.child.stdin?.write(`send-keys -t ${this.target} ${literal ? '-l ' : ''}${arg}\n`);
    return at;
  }

  close(): void {
    this.child.stdin?.end();
    this.child.kill();
  }
}

/** tmux without blocking this process (its pauses would show up as the cockpit's latency). */
export async function tmuxAsync(t: TmuxSession, args: string[]): Promise<string> {
  const { stdout } = await execFileP('tmux', ['-L', t.name, ...args.slice(0, 1), '-t', t.name, ...args.slice(1)], { encoding: 'utf8' });
  return stdout;
}
export const screenAsync = (t: TmuxSession) => tmuxAsync(t, ['capture-pane', '-p']);
export const sendAsync = (t: TmuxSession, key: string, literal = true) => tmuxAsync(t, ['send-keys', ...(literal ? ['-l'] : []), key]);

/** Waits (bounded) until a file stops growing: a heap snapshot is written in one go by the process. */
export async function settledFile(find: () => string | undefined, timeoutMs = 60_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < end) {
    const f = find();
    if (f) {
      const size = statSync(f).size;
      if (size > 0 && size === last) return f;
      last = size;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('heap snapshot not written in time');
}

/**
 * Where a process's resident memory is, from /proc/PID/smaps: the largest mappings by RSS, named
 * (a file, [heap], [stack]) or anonymous with their size; what no JavaScript heap figure shows.
 */
export function residentMappings(pid: number, top = 8): string {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return 'n/a';
  }
  const maps: Array<{ name: string; sizeKb: number; rssKb: number }> = [];
  let cur: { name: string; sizeKb: number; rssKb: number } | null = null;
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      cur = { name: head[1] || 'anon', sizeKb: 0, rssKb: 0 };
      maps.push(cur);
      continue;
    }
    const kv = /^(Size|Rss):\s+(\d+) kB/.exec(line);
    if (kv && cur) cur[kv[1] === 'Size' ? 'sizeKb' : 'rssKb'] = Number(kv[2]);
  }
  const total = maps.reduce((n, m) => n + m.rssKb, 0);
  const anonBig = maps.filter((m) => m.name === 'anon');
  const byName = new Map<string, number>();
  for (const m of maps)
    if (m.name !== 'anon') byName.set(m.name.replace(/^.*\//, ''), (byName.get(m.name.replace(/^.*\//, '')) ?? 0) + m.rssKb);
  const anonRss = anonBig.reduce((n, m) => n + m.rssKb, 0);
  const bigAnon = anonBig
    .sort((a, b) => b.rssKb - a.rssKb)
    .slice(0, top)
    .map((m) => `${(m.rssKb / 1024).toFixed(1)}/${(m.sizeKb / 1024).toFixed(0)} MB`);
  const named = [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([k, v]) => `${k} ${(v / 1024).toFixed(1)} MB`);
  return `RSS ${(total / 1024).toFixed(1)} MB: anonymous ${(anonRss / 1024).toFixed(1)} MB in ${anonBig.length} mappings (largest, resident/size: ${bigAnon.join(', ')}); ${named.join(', ')}`;
}
