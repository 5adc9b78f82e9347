/**
 * `titan-tui run <procedure> [args] [--dry-run] [--confirm WORD ...] [--backup FILE] [--json]`:
 * a runbook procedure as a checklist on the terminal. On a terminal it asks each typed word;
 * without one, every confirmation must come from --confirm (in order) or nothing runs.
 * Exit codes: 0 every step ok, 1 a step failed, 2 usage or configuration, 3 cancelled or not confirmed.
 */
import { confirmAsk } from '../config/contexts.js';
import { createInterface } from 'node:readline/promises';
import type { LoadedConfig } from '../config/load.js';
import { buildProcedure, confirmationCount, isProcedureId, PROCEDURES } from '../procedures/catalog.js';
import { childEnv } from '../procedures/child-env.js';
import { spawnEditor } from '../procedures/editor.js';
import { formatDuration, STATUS_LABEL } from '../procedures/format.js';
import { ProcedureRunner } from '../procedures/runner.js';
import { procedureSettings } from '../procedures/settings.js';
import type { ChooseRequest, ConfirmRequest, ProcedureHooks, RunEvent, RunState, StepView } from '../procedures/types.js';
import { createRuntime } from '../runtime.js';
import { type ParsedCommand, parseCommandLine, UsageError } from './args.js';
import { auditEpilogue } from './audit-epilogue.js';
import { safeText, writer } from './output.js';
import { commandSpec } from './spec.js';
import { commandUsage } from './usage.js';

export interface RunCommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Registers the Ctrl-C handler; returns its removal. */
  onInterrupt: (handler: () => void) => () => void;
}

const processIO = (): RunCommandIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  onInterrupt: (h) => {
    process.on('SIGINT', h);
    return () => process.off('SIGINT', h);
  },
});

const EXIT = { ok: 0, failed: 1, cancelled: 3, running: 1, idle: 1 } as const;

/** Every --confirm value in order; a value may list several, comma-separated. Throws UsageError on a bad command line. */
export function confirmValues(argv: string[]): string[] {
  const given = parseCommandLine(argv).values.confirm;
  const list = Array.isArray(given) ? given : typeof given === 'string' ? [given] : [];
  return list.flatMap((v) =>
    v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
}

export function runUsage(): string {
  const lines = ['usage: titan-tui run <procedure> [args] [--dry-run] [--confirm WORD ...] [--backup FILE] [--json]', '', 'procedures:'];
  for (const p of Object.values(PROCEDURES)) lines.push(`  ${p.usage}`, `      ${p.title} (runbook ${p.runbook})`);
  lines.push('', 'Without a terminal, pass one --confirm per confirmation, in order (repeat it or separate with commas).');
  lines.push('Exit codes: 0 all steps ok, 1 a step failed, 2 usage or config, 3 cancelled or not confirmed.');
  return lines.join('\n');
}

export async function runCommand(loaded: LoadedConfig, argv: string[], io: RunCommandIO = processIO()): Promise<number> {
  // Every line written goes through the redaction layer and the sanitizer (output.ts).
  const w = writer(io.stdout, io.stderr);
  const err = (s: string) => w.problem(s);
  let cmd: ParsedCommand;
  try {
    cmd = parseCommandLine(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(e.message);
    w.err(`${commandUsage(commandSpec('run') as NonNullable<ReturnType<typeof commandSpec>>)}\n${runUsage()}`);
    return 2;
  }
  const [name, service] = cmd.positionals;
  const json = cmd.values.json === true;
  const dryRun = cmd.values['dry-run'] === true || loaded.config.procedures.dryRun;
  const out = (s: string) => {
    if (!json) w.out(s);
  };

  if (!name || !isProcedureId(name)) {
    err(name ? `unknown procedure '${name}'` : 'which procedure?');
    w.err(runUsage());
    return 2;
  }
  if (loaded.config.readOnly && !dryRun) {
    err(`read-only mode: procedures are not available (--dry-run shows what ${name} would do)`);
    return 2;
  }
  const backupFlag = typeof cmd.values.backup === 'string' ? cmd.values.backup : undefined;
  const rt = createRuntime(loaded);
  const procedure = buildProcedure(name, { service, backup: backupFlag }, rt);
  if ('error' in procedure) {
    err(procedure.error);
    w.err(`usage: titan-tui run ${PROCEDURES[name].usage}`);
    return 2;
  }

  const confirms = confirmValues(argv);
  const interactive = io.stdin.isTTY === true;
  if (!dryRun && !interactive) {
    const needed = confirmationCount(procedure);
    const missing: string[] = [];
    if (confirms.length < needed) missing.push(`${needed} --confirm value${needed > 1 ? 's' : ''} (got ${confirms.length})`);
    if (name === 'db-rollback' && !backupFlag) missing.push('--backup FILE');
    if (missing.length) {
      err(`${name} needs ${missing.join(' and ')}: there is no terminal to ask on. usage: titan-tui run ${PROCEDURES[name].usage}`);
      return 2;
    }
  }

  const ask = async (question: string, signal: AbortSignal): Promise<string | null> => {
    const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: interactive });
    const ac = new AbortController();
    const abort = () => ac.abort();
    signal.addEventListener('abort', abort, { once: true });
    rl.on('SIGINT', abort);
    try {
      return (await rl.question(safeText(question, false), { signal: ac.signal })).trim();
    } catch {
      return null;
    } finally {
      signal.removeEventListener('abort', abort);
      rl.close();
    }
  };

  let editing = false;
  const hooks: ProcedureHooks = {
    confirm: async (req: ConfirmRequest, signal) => {
      w.err(`\n${req.title}\n${req.lines.map((l) => `  ${l}`).join('\n')}${req.warning ? `\nWARNING: ${req.warning}` : ''}`);
      const given = confirms.shift();
      if (given !== undefined) {
        w.err(`confirmation from --confirm: ${given === req.word ? 'matches' : 'does NOT match'}`);
        return given;
      }
      if (!interactive) return null;
      return ask(`${confirmAsk(req.word, rt.context)} (anything else cancels): `, signal);
    },
    choose: async (req: ChooseRequest, signal) => {
      if (!interactive) return null;
      w.err(`\n${req.title}\n${req.lines.map((l) => `  ${l}`).join('\n')}`);
      req.options.forEach((o, i) => {
        w.err(`  ${String(i + 1).padStart(2)}. ${o.label}`);
      });
      const answer = await ask('Number or file name (empty cancels): ', signal);
      if (!answer) return null;
      const n = Number(answer);
      if (Number.isInteger(n) && n >= 1 && n <= req.options.length) return req.options[n - 1]?.value ?? null;
      return answer;
    },
    editFile: async (path) => {
      editing = true;
      try {
        return await spawnEditor(path, childEnv(io.env));
      } finally {
        editing = false;
      }
    },
  };

  const settings = procedureSettings(loaded.config);
  const total = procedure.steps.length;
  const onEvent = (e: RunEvent) => {
    switch (e.type) {
      case 'run.start':
        out(`▶ ${e.state.title}${e.state.dryRun ? ' — DRY RUN: every command is listed, none is executed' : ''}`);
        if (rt.context) out(`  context ${rt.context.name}${rt.context.production ? ' (PRODUCTION)' : ''}`);
        out(`  deployment directory ${settings.deployDir}`);
        if (e.state.warning) out(`  WARNING: ${e.state.warning}`);
        return;
      case 'step.start':
        out(`[${e.index + 1}/${total}] ${e.step.label}${e.step.destructive ? '  (changes the system)' : ''}`);
        if (dryRun) for (const l of e.step.plan) out(`      ${l}`);
        return;
      case 'step.line':
        out(`      │ ${e.text}`);
        return;
      case 'step.end':
        if (!dryRun) out(stepEndLine(e.index, total, e.step));
        return;
      case 'run.end':
        out(runEndLine(e.state));
        return;
    }
  };

  const runner = new ProcedureRunner({ procedure, args: { service, backup: backupFlag }, deps: rt, settings, hooks, dryRun, onEvent });
  let interrupts = 0;
  let lastInterrupt = 0;
  const offInterrupt = io.onInterrupt(() => {
    // The editor owns the terminal (and its Ctrl-C) while it runs.
    if (editing) return;
    // A Ctrl-C may arrive twice within a moment (terminal and process group): one Ctrl-C, one cancel.
    if (Date.now() - lastInterrupt < 250) return;
    lastInterrupt = Date.now();
    interrupts++;
    w.err(interrupts === 1 ? '\ncancelling: SIGINT to the running command (SIGTERM after 3 s, then SIGKILL)…' : '\nstill cancelling…');
    runner.cancel();
  });
  if (!dryRun) rt.start();
  let state: RunState;
  try {
    state = await runner.run();
  } finally {
    offInterrupt();
    await Promise.race([rt.stop(), new Promise((r) => setTimeout(r, 1500))]);
  }
  if (json) w.json(state);
  await auditEpilogue(rt, w);
  const code = EXIT[state.status];
  // Sockets (dockerode keep-alive, NATS) must not keep a finished CLI alive.
  if (io.stdout === process.stdout) setTimeout(() => process.exit(code), 300).unref();
  return code;
}

function stepEndLine(index: number, total: number, s: StepView): string {
  const head = `[${index + 1}/${total}]`;
  const facts = [s.durationMs !== null ? formatDuration(s.durationMs) : null, s.exitCode !== null ? `exit code ${s.exitCode}` : null]
    .filter(Boolean)
    .join(', ');
  if (s.status === 'skipped') return `${head} ${s.label} — ${STATUS_LABEL.skipped}: ${s.summary.replace(/^skipped: /, '')}`;
  return `      ${STATUS_LABEL[s.status]}${facts ? ` (${facts})` : ''} — ${s.summary}`;
}

function runEndLine(s: RunState): string {
  if (s.dryRun) return `■ ${s.summary}`;
  const took = s.finishedAt && s.startedAt ? ` in ${formatDuration(s.finishedAt - s.startedAt)}` : '';
  if (s.status === 'ok') return `✔ ${s.title}: ${s.summary}${took}`;
  if (s.status === 'cancelled') return `■ ${s.title}: CANCELLED — ${s.summary}`;
  return `✘ ${s.title}: FAILED — ${s.summary}`;
}
