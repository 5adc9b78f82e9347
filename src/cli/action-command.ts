import { createInterface } from 'node:readline/promises';
import { ActionLayer } from '../actions/layer.js';
import type { ActionParams } from '../actions/types.js';
import { confirmAsk } from '../config/contexts.js';
import type { LoadedConfig } from '../config/load.js';
import { createRuntime } from '../runtime.js';
import type { ActionReport, Outcome } from '../state/types.js';
import type { ParsedCommand } from './args.js';
import { auditEpilogue } from './audit-epilogue.js';
import { OUTCOME_TEXT } from '../text/outcome-words.js';
import { doctorCommand } from './doctor-command.js';
import { safeText, type Writer, writer } from './output.js';
import { settle } from './settle.js';
import { allContextsFlagProblem, allContextsStatus, formatAllContexts, formatStatus, statusReport } from './status-command.js';

const EXIT: Record<Outcome, number> = { VERIFIED: 0, NOT_CONFIRMED: 3, FAILED: 1, CANCELLED: 1, RUNNING: 1 };

/** Details quote engines and servers: one line each, whatever they hold. */
const oneLine = (s: string) => s.replace(/[\r\n\u2028\u2029]+/g, ' ');

function printReport(w: Writer, r: ActionReport, json: boolean): void {
  if (json) return w.json(r);
  const ms = r.finishedAt ? ` in ${r.finishedAt - r.startedAt} ms` : '';
  w.out(`${r.action.toUpperCase()}: ${OUTCOME_TEXT[r.outcome]}${ms} — ${oneLine(r.summary)}`);
  for (const c of r.channels)
    w.out(
      `  ${oneLine(c.channel)}: ${OUTCOME_TEXT[c.outcome]}${c.latencyMs !== undefined ? ` (${c.latencyMs} ms)` : ''} ${oneLine(c.detail)}`,
    );
  if (r.next) w.out(`  next: ${oneLine(r.next)}`);
}

/**
 * `titan-tui status | doctor | <action>`: the same action layer as the TUI, confirmed by a typed
 * word or --confirm. The command line was validated (args.ts) before this connects to anything.
 */
export async function actionCommand(loaded: LoadedConfig, cmd: ParsedCommand, w: Writer = writer()): Promise<number> {
  const json = cmd.values.json === true;
  const command = cmd.command.name;
  const id = cmd.command.action;
  if (id && loaded.config.readOnly) {
    w.problem(`read-only mode: '${command}' is not available`);
    return 2;
  }
  if (command === 'status' && cmd.values['all-contexts'] === true) {
    const problem = allContextsFlagProblem(cmd.settings);
    if (problem) {
      w.problem(problem);
      return 2;
    }
    const all = await allContextsStatus(loaded, { create: createRuntime, settle, settleMs: 3000 });
    if (json) w.json(all);
    else w.out(formatAllContexts(all));
    setTimeout(() => process.exit(process.exitCode ?? 0), 300).unref();
    return all.ok ? 0 : 1;
  }
  const rt = createRuntime(loaded);
  rt.start();
  if (rt.context) w.err(`context ${rt.context.name}${rt.context.production ? ' (PRODUCTION)' : ''}`);
  try {
    await settle(rt, 3000);
    if (command === 'status') {
      const report = statusReport(rt);
      if (json) w.json(report);
      else w.out(formatStatus(report, rt.contract.containers.execution));
      return report.ok ? 0 : 1;
    }
    if (command === 'doctor') return await doctorCommand(rt, w, json);
    if (!id) return 2;
    const layer = new ActionLayer(rt);
    const params: ActionParams = {
      reason: typeof cmd.values.reason === 'string' ? cmd.values.reason : undefined,
      soft: cmd.values.soft === true,
      service: cmd.positionals[0],
    };
    const plan = layer.plan(id, params);
    if (plan.invalid) {
      w.problem(plan.invalid);
      return 2;
    }
    let typed: string | null = typeof cmd.values.confirm === 'string' ? cmd.values.confirm : null;
    if (typed === null) {
      if (!process.stdin.isTTY) {
        w.problem(`${command} needs a confirmation: pass --confirm ${plan.word} (no terminal to ask on)`);
        layer.recordRefusal(plan, null, 'CANCELLED', 'no confirmation given (not a terminal)');
        return 2;
      }
      w.err(
        `${plan.title}\n${plan.lines.map((l) => `  ${oneLine(l)}`).join('\n')}${plan.warning ? `\nWARNING: ${oneLine(plan.warning)}` : ''}`,
      );
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      typed = (await rl.question(safeText(`${confirmAsk(oneLine(plan.word), rt.context)}: `, false))).trim();
      rl.close();
    }
    if (typed !== plan.word) {
      w.problem(`confirmation did not match (expected exactly ${oneLine(plan.word)}); nothing was done`);
      layer.recordRefusal(plan, typed, 'CANCELLED', `wrong confirmation word: "${typed.slice(0, 40)}"`);
      return 1;
    }
    const report = await layer.execute(id, params, typed, {
      enteredAt: Date.now(),
      progress: (r) => rt.store.emit({ type: 'action.report', report: r }),
    });
    printReport(w, report, json);
    if (layer.followUps.has(report.id)) {
      // The cockpit would keep watching; a command line exits at its timeout, and says so.
      w.problem(
        `exiting after ${rt.config.actions.verifyTimeoutMs} ms without proof; the command may still take effect (a late NATS delivery): check with \`titan-tui status\``,
      );
      layer.dispose();
    }
    return EXIT[report.outcome];
  } finally {
    // The NATS mirror's answer for the last records, so its alarm (if any) is printed below.
    await rt.audit.mirrored(2000);
    await auditEpilogue(rt, w);
    await Promise.race([rt.stop(), new Promise((r) => setTimeout(r, 1500))]);
    setTimeout(() => process.exit(process.exitCode ?? 0), 300).unref();
  }
}
