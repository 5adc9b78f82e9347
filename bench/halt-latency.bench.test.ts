/**
 * Issue 4 benchmark: latency from the final Enter to the NATS server's confirmation of the halt,
 * and to VERIFIED, against the runbook's own commands for the same effects, in one run on the
 * same machine (real nats-server, real Docker engine, simulated Titan in containers).
 *
 *   npm run bench -- halt-latency        (BENCH_RUNS=200 by default, BENCH_RUNBOOK_RUNS=20)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ActionLayer } from '../src/actions/layer.js';
import type { Runtime } from '../src/runtime.js';
import { PROJECT_ROOT } from '../test/helpers/docker.js';
import { NATS_USERS } from '../test/helpers/nats-server.js';
import { startTitanStack, type TitanStack } from '../test/helpers/titan-stack.js';
import { fmt, percentile, summary } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const RUNBOOK_RUNS = Number(process.env.BENCH_RUNBOOK_RUNS ?? 20);
let stack: TitanStack;
let rt: Runtime;

beforeAll(async () => {
  stack = await startTitanStack({ simEnv: { SIM_NOISE: '1' } });
  rt = await stack.runtime({ 'probes-interval-ms': '2000' });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

it('halt: Enter → server confirmation, Enter → VERIFIED, vs the runbook', async () => {
  const layer = new ActionLayer(rt);
  const confirm: number[] = [];
  const verified: number[] = [];
  const fileVerified: number[] = [];
  const stopAllVerified: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const enteredAt = performance.now();
    let confirmedAt = 0;
    const r = await layer.execute('halt', { reason: `bench ${i}` }, 'HALT', {
      enteredAt: Date.now(),
      progress: (p) => {
        if (!confirmedAt && p.channels.some((c) => c.channel === 'nats' && /server confirmed receipt/.test(c.detail)))
          confirmedAt = performance.now();
      },
    });
    const end = performance.now();
    expect(r.outcome, r.summary).toBe('VERIFIED');
    confirm.push(confirmedAt - enteredAt);
    verified.push(end - enteredAt);
    await layer.execute('resume', {}, 'RESUME', { enteredAt: Date.now(), progress: () => {} });
  }
  for (let i = 0; i < Math.min(RUNS, 50); i++) {
    const t0 = performance.now();
    let fileAt = 0;
    const r = await layer.execute('stop-all', { reason: `bench stop ${i}` }, 'HALT', {
      enteredAt: Date.now(),
      progress: (p) => {
        if (!fileAt && p.channels.some((c) => c.channel === 'halt file' && c.outcome === 'VERIFIED')) fileAt = performance.now();
      },
    });
    stopAllVerified.push(performance.now() - t0);
    fileVerified.push(fileAt - t0);
    expect(r.outcome).toBe('VERIFIED');
    await layer.execute('resume', {}, 'RESUME', { enteredAt: Date.now(), progress: () => {} });
  }

  // The runbook's commands for the same effects, timed the same way.
  const dockerExec: number[] = [];
  for (let i = 0; i < RUNBOOK_RUNS; i++) {
    const t0 = performance.now();
    execFileSync('docker', ['-H', stack.docker.host, 'exec', stack.names.execution, 'sh', '-c', 'echo "EMERGENCY $(date)" > system.halt']);
    dockerExec.push(performance.now() - t0);
    execFileSync('docker', ['-H', stack.docker.host, 'exec', stack.names.execution, 'rm', '-f', 'system.halt']);
  }
  const freshPublish: number[] = [];
  const script = `
    import { connect } from '@nats-io/transport-node';
    const nc = await connect({ servers: process.argv[1], user: process.argv[2], pass: process.argv[3] });
    nc.publish('titan.cmd.sys.halt.v1', JSON.stringify({ state: 'OPEN', reason: 'bench fresh process' }));
    await nc.flush();
    await nc.close();`;
  for (let i = 0; i < RUNBOOK_RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', script, stack.nats.url, NATS_USERS.brain.user, NATS_USERS.brain.pass],
      { cwd: PROJECT_ROOT },
    );
    freshPublish.push(performance.now() - t0);
    expect(r.status, String(r.stderr)).toBe(0);
  }

  const lines = [
    '',
    `halt latency (${RUNS} runs; runbook commands ${RUNBOOK_RUNS} runs each), ${new Date().toISOString()}`,
    summary('cockpit HALT: Enter → NATS server confirmation', confirm),
    summary('cockpit HALT: Enter → VERIFIED (engine evidence)', verified),
    summary('cockpit STOP-ALL: Enter → halt file VERIFIED', fileVerified),
    summary('cockpit STOP-ALL: Enter → VERIFIED (both channels)', stopAllVerified),
    summary('runbook: docker exec … echo > system.halt', dockerExec),
    summary('runbook: fresh process connects and publishes the halt', freshPublish),
    `ratio fresh-process publish p50 / cockpit confirmation p50:   ${fmt(percentile(freshPublish, 50) / percentile(confirm, 50))}×`,
    `ratio docker exec p50 / cockpit halt-file VERIFIED p50:         ${fmt(percentile(dockerExec, 50) / percentile(fileVerified, 50))}×`,
    `target: confirmation p99 ≤ 10 ms → ${percentile(confirm, 99) <= 10 ? 'met' : 'NOT met'}; ≥ 20× faster than the runbook → ${percentile(freshPublish, 50) / percentile(confirm, 50) >= 20 ? 'met' : 'NOT met'}`,
  ];
  console.log(lines.join('\n'));
  void join;
}, 3_600_000);
