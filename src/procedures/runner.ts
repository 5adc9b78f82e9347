import { createStore, type StoreApi } from 'zustand/vanilla';
import { sanitizeLine } from '../services/logs/sanitize.js';
import { idleRunState } from './idle-run.js';
import { redact } from '../services/redact.js';
import { runAuditEntry, stepAuditEntry } from './audit.js';
import { commandFailure, commandLine, KILL_GRACE_MS, runHostCommand } from './host-command.js';
import { commandEnv, composePrefix, detectCompose } from './settings.js';
import {
  type CommandSpec,
  OUTPUT_LINES,
  type PlanLine,
  type Procedure,
  type ProcedureArgs,
  type ProcedureDeps,
  type ProcedureHooks,
  type ProcedureSettings,
  type RunCtx,
  type RunEvent,
  type RunState,
  type Step,
  type StepIO,
  type StepOutcome,
  type StepView,
} from './types.js';

export type RunStore = StoreApi<RunState>;

export function createRunStore(): RunStore {
  return createStore<RunState>(() => idleRunState());
}

export interface RunnerOptions {
  procedure: Procedure;
  args: ProcedureArgs;
  deps: ProcedureDeps;
  settings: ProcedureSettings;
  hooks: ProcedureHooks;
  dryRun: boolean;
  /** Where the state goes (the screen's store); a new one otherwise. */
  store?: RunStore;
  /** Every change as it happens (the CLI prints from these). */
  onEvent?: (e: RunEvent) => void;
  /** Environment of host commands; default: the operator's, see commandEnv. */
  env?: NodeJS.ProcessEnv;
}

const FLUSH_MS = 50;

/** A plan line as text: commands are shown with their directory and the answers they get. */
export function planText(line: PlanLine): string[] {
  if (typeof line === 'string') return [line];
  const out = [`$ ${commandLine(line.argv)}    (in ${line.cwd})`];
  for (const a of line.answers ?? []) out.push(`    answers ${JSON.stringify(a.answer)} when asked "${a.expect}"`);
  return out;
}

const commandPlan = (spec: CommandSpec): PlanLine => ({ argv: spec.argv, cwd: spec.cwd, answers: spec.answers });

/**
 * Runs a procedure's steps in order. Each step: its typed confirmation (when it has one), then
 * the step itself under a deadline; the first failure stops the run and later steps are skipped.
 * Every step, whatever its end, is recorded in the audit log.
 */
export class ProcedureRunner {
  readonly store: RunStore;
  private readonly cancelCtl = new AbortController();
  private readonly ctx: RunCtx;
  private readonly rings: string[][] = [];
  private readonly drops: number[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private started = false;

  constructor(private readonly opts: RunnerOptions) {
    this.store = opts.store ?? createRunStore();
    let compose: Promise<string[]> | null = null;
    const env = opts.env ?? commandEnv(opts.deps.config);
    this.ctx = {
      procedureId: opts.procedure.id,
      args: opts.args,
      settings: opts.settings,
      deps: opts.deps,
      dryRun: opts.dryRun,
      vars: {},
      env,
      compose: () => {
        compose ??= (async () => {
          if (opts.settings.composeCommand) return composePrefix(opts.settings, opts.settings.composeCommand);
          const found = await detectCompose(env, opts.settings.deployDir);
          if (!found.ok) throw new Error(found.error);
          return composePrefix(opts.settings, found.argv);
        })();
        return compose;
      },
    };
  }

  /** Cancels the run: the running step is stopped (a command gets SIGINT, SIGTERM, SIGKILL), later steps are skipped. */
  cancel(): void {
    this.cancelCtl.abort('cancel');
  }

  get cancelled(): boolean {
    return this.cancelCtl.signal.aborted;
  }

  private get state(): RunState {
    return this.store.getState();
  }

  private emit(e: RunEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {
      // A display bug must not stop a procedure half-way.
    }
  }

  private patchStep(i: number, patch: Partial<StepView>): StepView {
    const steps = this.state.steps.slice();
    const next = { ...(steps[i] as StepView), ...patch };
    steps[i] = next;
    this.store.setState({ steps });
    return next;
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const steps = this.state.steps.map((s, i) =>
      this.rings[i] && (this.rings[i].length !== s.output.length || this.drops[i] !== s.dropped || this.rings[i].at(-1) !== s.output.at(-1))
        ? { ...s, output: this.rings[i].slice(), dropped: this.drops[i] ?? 0 }
        : s,
    );
    this.store.setState({ steps });
  }

  private addLine(i: number, raw: string): void {
    // Command output is outside text: through the redaction layer before the screen, the CLI or --json.
    const text = redact(raw);
    const ring = this.rings[i] as string[];
    ring.push(text);
    if (ring.length > OUTPUT_LINES) {
      ring.splice(0, ring.length - OUTPUT_LINES);
      this.drops[i] = (this.drops[i] ?? 0) + 1;
    }
    this.emit({ type: 'step.line', index: i, text });
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private async planOf(step: Step): Promise<string[]> {
    // A command step shows its exact command; when that cannot be built yet, its plan text.
    if (step.command) {
      try {
        return planText(commandPlan(await step.command(this.ctx)));
      } catch {
        // fall through to the plan
      }
    }
    try {
      return (await step.plan(this.ctx)).flatMap(planText);
    } catch (e) {
      return [`(cannot be shown yet: ${(e as Error).message})`];
    }
  }

  async run(): Promise<RunState> {
    if (this.started) throw new Error('a runner runs once');
    this.started = true;
    const { procedure } = this.opts;
    const steps: StepView[] = procedure.steps.map((s) => ({
      id: s.id,
      label: s.label,
      kind: s.kind,
      destructive: s.destructive,
      status: 'pending',
      startedAt: null,
      durationMs: null,
      exitCode: null,
      summary: '',
      output: [],
      dropped: 0,
      plan: [],
      confirmation: null,
    }));
    for (const _ of steps) {
      this.rings.push([]);
      this.drops.push(0);
    }
    this.store.setState({
      runId: Math.random().toString(36).slice(2, 8),
      procedureId: procedure.id,
      title: procedure.title,
      warning: procedure.warning,
      dryRun: this.opts.dryRun,
      status: 'running',
      startedAt: Date.now(),
      finishedAt: null,
      summary: this.opts.dryRun ? 'dry run: nothing is executed' : 'running…',
      steps,
      current: null,
    });
    this.emit({ type: 'run.start', state: this.state });
    if (this.opts.dryRun) return this.dryRun();

    let stopReason: string | null = null;
    for (let i = 0; i < procedure.steps.length; i++) {
      const step = procedure.steps[i] as Step;
      if (stopReason) {
        this.finishStep(i, { status: 'skipped', summary: `skipped: ${stopReason}` });
        continue;
      }
      if (this.cancelled) {
        stopReason = 'the run was cancelled';
        this.finishStep(i, { status: 'skipped', summary: `skipped: ${stopReason}` });
        this.store.setState({ status: 'cancelled', summary: `cancelled before step ${i + 1} (${step.label})` });
        continue;
      }
      const outcome = await this.runStep(i, step);
      if (!outcome.ok) {
        const cancelled = outcome.cancelled === true;
        const why = redact(`step ${i + 1} (${step.label}) ${cancelled ? 'was cancelled' : 'failed'}: ${outcome.summary}`);
        stopReason = cancelled ? 'the run was cancelled' : `step ${i + 1} failed`;
        this.store.setState({
          status: cancelled ? 'cancelled' : 'failed',
          summary: step.onFailure && !cancelled ? `${why}. ${step.onFailure}` : why,
        });
      }
    }
    const end: Partial<RunState> = { finishedAt: Date.now(), current: null };
    if (this.state.status === 'running') Object.assign(end, { status: 'ok', summary: `all ${procedure.steps.length} steps ok` });
    this.store.setState(end);
    this.flush();
    this.opts.deps.audit.append(runAuditEntry(this.opts.deps, this.state));
    this.emit({ type: 'run.end', state: this.state });
    return this.state;
  }

  private async dryRun(): Promise<RunState> {
    for (let i = 0; i < this.opts.procedure.steps.length; i++) {
      const step = this.opts.procedure.steps[i] as Step;
      const plan = await this.planOf(step);
      const confirm = step.confirm ? await Promise.resolve(step.confirm(this.ctx)).catch(() => null) : null;
      const view = this.patchStep(i, {
        plan: confirm ? [...plan, `asks to type ${JSON.stringify(confirm.word)} first`] : plan,
        summary: 'dry run: not executed',
      });
      this.emit({ type: 'step.start', index: i, step: view });
      this.emit({ type: 'step.end', index: i, step: view });
    }
    this.store.setState({
      status: 'ok',
      finishedAt: Date.now(),
      summary: `dry run: ${this.opts.procedure.steps.length} steps listed, nothing was executed`,
    });
    this.emit({ type: 'run.end', state: this.state });
    return this.state;
  }

  private finishStep(i: number, patch: Partial<StepView>): void {
    this.flush();
    const view = this.patchStep(i, patch);
    this.opts.deps.audit.append(stepAuditEntry(this.opts.deps, this.state, view));
    this.emit({ type: 'step.end', index: i, step: view });
  }

  private async runStep(i: number, step: Step): Promise<StepOutcome> {
    const plan = await this.planOf(step);
    this.patchStep(i, { plan });
    this.store.setState({ current: i });
    const signal = this.cancelCtl.signal;

    // The typed confirmation comes first: nothing of this step runs without it.
    let typed: string | null = null;
    if (step.confirm) {
      let spec: Awaited<ReturnType<NonNullable<Step['confirm']>>>;
      try {
        spec = await step.confirm(this.ctx);
      } catch (e) {
        return this.end(i, { ok: false, summary: `could not prepare the confirmation: ${(e as Error).message}` }, null);
      }
      typed = await this.opts.hooks.confirm({ stepId: step.id, ...spec }, signal).catch(() => null);
      if (typed === null) return this.end(i, { ok: false, cancelled: true, summary: 'not confirmed: cancelled at the confirmation' }, null);
      if (typed !== spec.word)
        return this.end(i, { ok: false, cancelled: true, summary: `not confirmed: expected exactly "${spec.word}"` }, typed);
    }

    const startedAt = Date.now();
    const view = this.patchStep(i, { status: 'running', startedAt, confirmation: typed });
    this.emit({ type: 'step.start', index: i, step: view });
    const timeoutSec = step.timeoutSec ?? this.opts.settings.stepTimeoutSec;
    const line = (t: string) => this.addLine(i, t);

    let outcome: StepOutcome;
    let exitCode: number | null = null;
    if (step.command) {
      let spec: CommandSpec;
      try {
        spec = await step.command(this.ctx);
      } catch (e) {
        return this.end(i, { ok: false, summary: (e as Error).message }, typed, startedAt);
      }
      line(sanitizeLine(`$ ${commandLine(spec.argv)}    (in ${spec.cwd})`));
      const r = await runHostCommand(spec, {
        env: this.ctx.env,
        timeoutMs: timeoutSec * 1000,
        signal,
        onLine: (t, source) => line(source === 'note' ? `» ${sanitizeLine(t)}` : t),
      });
      exitCode = r.exitCode;
      const why = commandFailure(r, timeoutSec);
      if (why) outcome = { ok: false, summary: why, cancelled: r.ended === 'cancelled', exitCode: r.exitCode };
      else {
        outcome = { ok: true, summary: 'completed' };
        if (step.after) outcome = (await this.guarded(step.after, timeoutSec, i)) ?? outcome;
      }
    } else if (step.run) {
      const run = step.run;
      outcome = await this.guarded((ctx, io) => run(ctx, io), timeoutSec, i);
    } else {
      outcome = { ok: true, summary: 'nothing to do' };
    }
    return this.end(i, outcome, typed, startedAt, exitCode);
  }

  /** Runs a step function with the run's cancel and the step's deadline; a step that ignores both is abandoned. */
  private async guarded<T extends StepOutcome | null>(
    fn: (ctx: RunCtx, io: StepIO) => Promise<T>,
    timeoutSec: number,
    i: number,
  ): Promise<StepOutcome | T> {
    const ctl = new AbortController();
    const onCancel = () => ctl.abort('cancel');
    this.cancelCtl.signal.addEventListener('abort', onCancel, { once: true });
    const timer = setTimeout(() => ctl.abort('timeout'), timeoutSec * 1000);
    const io = this.stepIO(i, ctl.signal, timeoutSec);
    let abandon: NodeJS.Timeout | undefined;
    const abandoned = new Promise<StepOutcome>((resolve) => {
      ctl.signal.addEventListener('abort', () => {
        abandon = setTimeout(
          () => resolve({ ok: false, summary: 'did not stop when asked (abandoned)', cancelled: ctl.signal.reason === 'cancel' }),
          2 * KILL_GRACE_MS + 1000,
        );
      });
    });
    try {
      const r = await Promise.race([fn(this.ctx, io), abandoned]);
      if (ctl.signal.aborted && (r === null || !r.ok)) {
        return ctl.signal.reason === 'timeout'
          ? { ok: false, summary: `timed out after ${timeoutSec} s` }
          : { ok: false, cancelled: true, summary: 'cancelled by the operator' };
      }
      return r;
    } catch (e) {
      return { ok: false, summary: `internal error: ${(e as Error).message}` };
    } finally {
      clearTimeout(timer);
      clearTimeout(abandon);
      this.cancelCtl.signal.removeEventListener('abort', onCancel);
    }
  }

  private stepIO(i: number, signal: AbortSignal, timeoutSec: number): StepIO {
    const line = (t: string) => this.addLine(i, sanitizeLine(t));
    return {
      signal,
      hooks: this.opts.hooks,
      line,
      exec: async (spec) => {
        line(`$ ${commandLine(spec.argv)}    (in ${spec.cwd})`);
        return runHostCommand(spec, {
          env: this.ctx.env,
          timeoutMs: timeoutSec * 1000,
          signal,
          onLine: (t, source) => this.addLine(i, source === 'note' ? `» ${sanitizeLine(t)}` : t),
        });
      },
      capture: async (spec) => {
        let lastErr = '';
        const r = await runHostCommand(spec, {
          env: this.ctx.env,
          timeoutMs: Math.min(timeoutSec, 60) * 1000,
          signal,
          capture: true,
          onLine: (t, source) => {
            if (source === 'stderr' && t.trim()) lastErr = t.trim();
          },
        });
        const why = commandFailure(r, Math.min(timeoutSec, 60));
        return why
          ? { ok: false, error: `${commandLine(spec.argv)}: ${why}${lastErr ? ` (${lastErr})` : ''}` }
          : { ok: true, stdout: r.stdout };
      },
    };
  }

  private end(i: number, o: StepOutcome, typed: string | null, startedAt?: number, exitCode: number | null = null): StepOutcome {
    const status = o.ok ? 'ok' : o.cancelled ? 'cancelled' : 'failed';
    this.finishStep(i, {
      status,
      summary: redact(o.summary),
      confirmation: typed,
      startedAt: startedAt ?? null,
      durationMs: startedAt ? Date.now() - startedAt : null,
      exitCode: o.ok ? exitCode : (o.exitCode ?? exitCode),
    });
    return o;
  }
}
