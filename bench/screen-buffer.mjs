// Micro-benchmark: the screen buffer (src/ui/ink-output.ts) against Ink's own output.js, on the
// frame a log flood draws again and again: a 160x45 screen, a header, a bordered log pane whose 42
// lines (timestamps in grey, some ERROR in red) are all new at each frame.
//
//   node bench/screen-buffer.mjs [frames]
//
// Prints, for each: milliseconds per frame, and what one frame allocates (V8's sampling heap
// profiler, collected objects included). Both must write the same frames (checked here too).
import { Session } from 'node:inspector/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const FRAMES = Number(process.argv[2] ?? 2000);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'titan-screen-buffer-'));
await build({
  entryPoints: [join(root, 'src/ui/ink-output.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: join(dir, 'ours.mjs'),
  logLevel: 'error',
});
const Ours = (await import(pathToFileURL(join(dir, 'ours.mjs')).href)).default;
rmSync(dir, { recursive: true, force: true });
const inkDir = dirname(fileURLToPath(import.meta.resolve('ink')));
const Ink = (await import(pathToFileURL(join(inkDir, 'output.js')).href)).default;

const W = 160;
const H = 45;
const gray = (s) => `\x1b[90m${s}\x1b[39m`;
const red = (s) => `\x1b[31m${s}\x1b[39m`;
const bold = (s) => `\x1b[1m${s}\x1b[22m`;
const logLine = (i) =>
  `${gray(`12:00:${String(i % 60).padStart(2, '0')}.123`)} ${i % 7 === 0 ? red('ERROR') : 'INFO '} {"level":"info","msg":"order book update","seq":${i},"venue":"bybit","bid":9${i % 9}123.5,"ask":9${i % 9}124.0,"pad":"${'x'.repeat(40)}"}`;

function frame(Output, k) {
  const o = new Output({ width: W, height: H });
  const none = { transformers: [] };
  o.write(0, 0, `${bold(' titan-tui ')} ● NATS connected  ● Docker connected  HALT: no  breaker: closed`, none);
  o.write(0, 1, `┌${'─'.repeat(W - 2)}┐`, none);
  for (let y = 2; y < H - 1; y++) {
    o.write(0, y, '│', none);
    o.write(W - 1, y, '│', none);
  }
  o.clip({ x1: 1, x2: W - 1, y1: 2, y2: H - 1 });
  const lines = [];
  for (let y = 0; y < H - 3; y++) lines.push(logLine(k * 20 + y));
  o.write(1, 2, lines.join('\n'), none);
  o.unclip();
  o.write(0, H - 1, `└${'─'.repeat(W - 2)}┘`, none);
  return o.get().output;
}

for (let k = 0; k < 50; k++) if (frame(Ours, k) !== frame(Ink, k)) throw new Error(`frame ${k}: the two buffers differ`);

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
async function measure(label, Output) {
  for (let k = 0; k < 300; k++) frame(Output, k); // warm-up
  const t0 = performance.now();
  for (let k = 0; k < FRAMES; k++) frame(Output, 1000 + k);
  const ms = (performance.now() - t0) / FRAMES;
  const sampled = 200;
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let k = 0; k < sampled; k++) frame(Output, 100_000 + k);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  let bytes = 0;
  const walk = (n) => {
    bytes += n.selfSize;
    for (const c of n.children) walk(c);
  };
  walk(profile.head);
  console.log(`${label.padEnd(26)} ${ms.toFixed(3)} ms/frame, ~${Math.round(bytes / sampled / 1024)} KB allocated/frame`);
  return { ms, kb: bytes / sampled / 1024 };
}
console.log(`screen buffer, ${W}x${H}, a new 42-line log text each frame, ${FRAMES} frames (node ${process.version})`);
const ink = await measure("Ink's output.js", Ink);
const ours = await measure('src/ui/ink-output.ts', Ours);
console.log(
  `ours/Ink: time ${(ours.ms / ink.ms).toFixed(2)}, allocation ${(ours.kb / ink.kb).toFixed(2)} (the bench frame itself allocates ~45 KB)`,
);
