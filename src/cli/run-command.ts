/**
 * `titan-tui run <procedure> [args] [--dry-run] [--confirm WORD ...] [--backup FILE] [--json]`:
 * a runbook procedure as a checklist on the terminal. On a terminal it asks each typed word;
 * without one, every confirmation must come from --confirm (in order) or nothing runs.
 * Exit codes: 0 every step ok, 1 a step failed, 2 usage or configuration, 3 cancelled or not confirmed.
 */
import { createInterface } from 'node:readline/promises';
import type { LoadedConfig } from '../config/load.js';
import { buildProcedure, confirmationCount, isProcedureId, PROCEDURES } from '../procedures/catalog.js';
import { spawnEditor } from '../procedures/editor.js';
import { formatDuration, STATUS_LABEL } from '../procedures/format.js';
import { ProcedureRunner } from '../procedures/runner.js';
import { procedureSettings } from '../procedures/settings.js';
import type { ChooseRequest, ConfirmRequest, ProcedureHooks, RunEvent, RunState, StepView } from '../procedures/types.js';
import { createRuntime } from '../runtime.js';
import { stripSgr } from '../services/logs/sanitize.js';
import { parseArgs } from './args.js';

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

/** Every --confirm value in order; a value may list several, comma-separated. */
export function confirmValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    let v: string | undefined;
    if (a === '--confirm') {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        v = next;
        i++;
      }
    } else if (a.startsWith('--confirm=')) v = a.slice('--confirm='.length);
    if (v !== undefined)
      out.push(
        ...v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
  }
  return out;
}

export function runUsage(): string {
  const lines = ['usage: titan-tui run <procedure> [args] [--dry-run] [--confirm WORD ...] [--backup FILE] [--json]', '', 'procedures:'];
  for (const p of Object.values(PROCEDURES)) lines.push(`  ${p.usage}`, `      ${p.title} (runbook ${p.runbook})`);
  lines.push('', 'Without a terminal, pass one --confirm per confirmation, in order (repeat it or separate with commas).');
  lines.push('Exit codes: 0 all steps ok, 1 a step failed, 2 usage or config, 3 cancelled or not confirmed.');
  return lines.join('\n');
}

export async function runCommand(loaded: LoadedConfig, argv: string[], io: RunCommandIO = processIO()): Promise<number> {
  const args = parseArgs(argv);
  // `titan-tui run <procedure> …`: the procedure is the first positional after "run".
  const positionals = args.command === 'run' ? args.positionals : [args.command ?? '', ...args.positionals].filter(Boolean);
  const [name, service] = positionals;
  const json = args.flags.json === true;
  const dryRun = args.flags['dry-run'] === true || loaded.config.procedures.dryRun;
  const err = (s: string) => io.stderr.write(`titan-tui: ${s}\n`);
  const color = io.stdout.isTTY === true;
  const out = (s: string) => {
    if (!json) io.stdout.write(`${color ? s : stripSgr(s)}\n`);
  };

  if (!name || !isProcedureId(name)) {
    err(name ? `unknown procedure '${name}'` : 'which procedure?');
    io.stderr.write(`${runUsage()}\n`);
    return 2;
  }
  if (loaded.config.readOnly && !dryRun) {
    err(`read-only mode: procedures are not available (--dry-run shows what ${name} would do)`);
    return 2;
  }
  const backupFlag = typeof args.flags.backup === 'string' ? args.flags.backup : undefined;
  const rt = createRuntime(loaded);
  const procedure = buildProcedure(name, { service, backup: backupFlag }, rt);
  if ('error' in procedure) {
    err(procedure.error);
    io.stderr.write(`usage: titan-tui run ${PROCEDURES[name].usage}\n`);
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
      return (await rl.question(question, { signal: ac.signal })).trim();
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
      io.stderr.write(`\n${req.title}\n${req.lines.map((l) => `  ${l}`).join('\n')}\n${req.warning ? `WARNING: ${req.warning}\n` : ''}`);
      const given = confirms.shift();
      if (given !== undefined) {
        io.stderr.write(`confirmation from --confirm: ${given === req.word ? 'matches' : 'does NOT match'}\n`);
        return given;
      }
      if (!interactive) return null;
      return ask(`Type ${req.word} to confirm (anything else cancels): `, signal);
    },
    choose: async (req: ChooseRequest, signal) => {
      if (!interactive) return null;
      io.stderr.write(`\n${req.title}\n${req.lines.map((l) => `  ${l}`).join('\n')}\n`);
      req.options.forEach((o, i) => {
        io.stderr.write(`  ${String(i + 1).padStart(2)}. ${o.label}\n`);
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
        return await spawnEditor(path, io.env);
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
    // conf's exit hook (when-exit) re-raises the first SIGINT at once: one Ctrl-C, one cancel.
    if (Date.now() - lastInterrupt < 250) return;
    lastInterrupt = Date.now();
    interrupts++;
    io.stderr.write(
      interrupts === 1 ? '\ncancelling: SIGINT to the running command (SIGTERM after 3 s, then SIGKILL)…\n' : '\nstill cancelling…\n',
    );
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
  if (json) io.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
  const alarm = rt.store.getState().audit.alarm;
  if (alarm) err(`AUDIT ALARM: ${alarm.error}`);
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
