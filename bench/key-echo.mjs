// The floor under the cockpit's key latency: a process that does nothing but read keys, in a tmux of
// its own, on the same machine during the same flood (bench/cockpit.bench.test.ts sends it a key
// with each of the cockpit's). It appends when each key arrived to the file it is given.
import { appendFileSync } from 'node:fs';

const file = process.argv[2];
process.stdin.setRawMode(true);
process.stdin.on('data', (d) => {
  appendFileSync(file, `${Date.now()} ${d.length}\n`);
  process.stdout.write('.');
});
