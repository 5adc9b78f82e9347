import { createInterface } from 'node:readline/promises';
import { ActionLayer } from '../actions/layer.js';
import { emergencyStopAvailable, evaluateReadiness } from '../actions/readiness.js';
import type { ActionId, ActionParams } from '../actions/types.js';
import type { LoadedConfig } from '../config/load.js';
import { createRuntime, type Runtime } from '../runtime.js';
import type { ActionReport, Outcome } from '../state/types.js';
import type { ParsedArgs } from './args.js';

const EXIT: Record<Outcome, number> = { VERIFIED: 0, NOT_CONFIRMED: 3, FAILED: 1, CANCELLED: 1, RUNNING: 1 };
const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

/** Waits until the first reading of every source is in (or the deadline passes). */
async function settle(rt: Runtime, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  const ready = () => {
    const s = rt.store.getState();
    const c = s.connections;
    const probed = ['brain', 'execution'].every((n) => s.probes[n]);
    return (
      c.nats.status !== 'connecting' &&
      c.docker.status !== 'connecting' &&
      probed &&
      (s.haltFile.at !== null || s.haltFile.errorAt !== undefined)
    );
  };
  while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

function printReport(r: ActionReport, json: boolean): void {
  if (json) return out(JSON.stringify(r, null, 2));
  const ms = r.finishedAt ? ` in ${r.finishedAt - r.startedAt} ms` : '';
  out(`${r.action.toUpperCase()}: ${r.outcome === 'NOT_CONFIRMED' ? 'SENT BUT NOT CONFIRMED' : r.outcome}${ms} — ${r.summary}`);
  for (const c of r.channels) out(`  ${c.channel}: ${c.outcome}${c.latencyMs !== undefined ? ` (${c.latencyMs} ms)` : ''} ${c.detail}`);
  if (r.next) out(`  next: ${r.next}`);
}

function statusText(rt: Runtime): Record<string, unknown> {
  const s = rt.store.getState();
  return {
    profile: rt.contract.profile,
    connections: s.connections,
    containers: s.containers.value.map((c) => ({
      name: c.name,
      state: c.state,
      health: c.health,
      restarts: c.restartCount,
      startedAt: c.startedAt,
    })),
    haltFile: s.haltFile.value ?? { error: s.haltFile.error },
    breaker: s.breaker.value ?? { error: s.breaker.error ?? 'unknown' },
    probes: s.probes,
  };
}

const ACTIONS: Record<string, ActionId> = {
  halt: 'halt',
  resume: 'resume',
  flatten: 'flatten',
  'stop-all': 'stop-all',
  kill: 'kill',
  restart: 'restart',
  'clear-halt-file': 'clear-halt-file',
  'breaker-reset': 'breaker-reset',
  recover: 'recover',
};

/** `titan-tui <action>`: the same action layer as the TUI, confirmed by a typed word or --confirm. */
export async function actionCommand(loaded: LoadedConfig, command: string, args: ParsedArgs): Promise<number> {
  const json = args.flags.json === true;
  const id = ACTIONS[command];
  if (id && loaded.config.readOnly) {
    process.stderr.write(`titan-tui: read-only mode: '${command}' is not available\n`);
    return 2;
  }
  if (id === 'restart' && !args.positionals[0]) {
    process.stderr.write('titan-tui: usage: titan-tui restart <execution|brain|container> [--confirm <container name>]\n');
    return 2;
  }
  const rt = createRuntime(loaded);
  rt.start();
  try {
    await settle(rt, 3000);
    if (command === 'status') {
      const st = statusText(rt);
      out(json ? JSON.stringify(st, null, 2) : formatStatus(st));
      return 0;
    }
    if (command === 'doctor') {
      const paths = evaluateReadiness(rt.store.getState(), rt.contract, rt.config);
      const ok = emergencyStopAvailable(paths);
      if (json) out(JSON.stringify({ emergencyStop: ok, paths }, null, 2));
      else {
        out('PATH            STATE  DETAIL');
        for (const p of paths) out(`${p.label.padEnd(15)} ${(p.ok ? 'ok' : 'FAIL').padEnd(6)} ${p.detail}`);
        out(ok ? 'emergency stop: at least one path works' : 'emergency stop: NO working path');
      }
      return ok ? 0 : 1;
    }
    if (!id) return 2;
    const layer = new ActionLayer(rt, false);
    const params: ActionParams = {
      reason: typeof args.flags.reason === 'string' ? args.flags.reason : undefined,
      soft: args.flags.soft === true,
      service: args.positionals[0],
    };
    const plan = layer.plan(id, params);
    if (plan.invalid) {
      process.stderr.write(`titan-tui: ${plan.invalid}\n`);
      return 2;
    }
    let typed: string | null = typeof args.flags.confirm === 'string' ? args.flags.confirm : null;
    if (typed === null) {
      if (!process.stdin.isTTY) {
        process.stderr.write(`titan-tui: ${command} needs a confirmation: pass --confirm ${plan.word} (no terminal to ask on)\n`);
        layer.recordRefusal(plan, null, 'CANCELLED', 'no confirmation given (not a terminal)');
        return 2;
      }
      process.stderr.write(
        `${plan.title}\n${plan.lines.map((l) => `  ${l}`).join('\n')}\n${plan.warning ? `WARNING: ${plan.warning}\n` : ''}`,
      );
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      typed = (await rl.question(`Type ${plan.word} to confirm: `)).trim();
      rl.close();
    }
    if (typed !== plan.word) {
      process.stderr.write(`titan-tui: confirmation did not match (expected exactly ${plan.word}); nothing was done\n`);
      layer.recordRefusal(plan, typed, 'CANCELLED', `wrong confirmation word: "${typed.slice(0, 40)}"`);
      return 1;
    }
    const report = await layer.execute(id, params, typed, {
      enteredAt: Date.now(),
      progress: (r) => rt.store.emit({ type: 'action.report', report: r }),
    });
    printReport(report, json);
    const alarm = rt.store.getState().audit.alarm;
    if (alarm) process.stderr.write(`titan-tui: AUDIT ALARM: ${alarm.error}\n`);
    return EXIT[report.outcome];
  } finally {
    await Promise.race([rt.stop(), new Promise((r) => setTimeout(r, 1500))]);
    setTimeout(() => process.exit(process.exitCode ?? 0), 300).unref();
  }
}

function formatStatus(st: Record<string, unknown>): string {
  const s = st as ReturnType<typeof statusText> & {
    connections: Record<string, { status: string; error?: string }>;
    containers: Array<{ name: string; state: string; health: string; restarts: number }>;
  };
  const lines = [`profile ${s.profile}`, 'connections'];
  for (const [k, v] of Object.entries(s.connections)) lines.push(`  ${k.padEnd(10)} ${v.status}${v.error ? ` (${v.error})` : ''}`);
  lines.push('containers');
  for (const c of s.containers) lines.push(`  ${c.name.padEnd(26)} ${c.state.padEnd(9)} ${c.health.padEnd(9)} restarts ${c.restarts}`);
  lines.push(`halt file  ${JSON.stringify(s.haltFile)}`);
  lines.push(`breaker    ${JSON.stringify(s.breaker)}`);
  return lines.join('\n');
}
