/**
 * The Procedures screen's behaviour, outside React: which procedure is selected, the running
 * procedure, and the operator's answers (typed words, the backup pick, cancel). The screen only
 * renders `ui` and `run`; the cockpit's controller forwards keys to `onKey`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { KeyPress } from '../input/keys.js';
import { typeWord } from '../input/typed-word.js';
import { buildProcedure, PROCEDURES } from './catalog.js';
import { idleRunState } from './idle-run.js';
import { ProcedureRunner, type RunStore } from './runner.js';
import { procedureRunStore } from './run-store.js';
import { procedureSettings } from './settings.js';
import {
  PROCEDURE_IDS,
  type ChooseRequest,
  type ConfirmRequest,
  type EditResult,
  type ProcedureArgs,
  type ProcedureDeps,
  type ProcedureHooks,
  type ProcedureId,
} from './types.js';

/** Dry run: lists every step and command, runs none ('d' is the cockpit's disarm everywhere). */
export const DRY_RUN_KEY = 'p';
/** Keys that move through a run's steps and output. */
const VIEW_KEYS = new Set(['tab', 'right', 'shift+tab', 'left', 'pageup', 'ctrl+b', 'pagedown', 'ctrl+f', 'G', 'end']);

export type Interaction =
  | { kind: 'confirm'; req: ConfirmRequest; input: string; error?: string }
  | { kind: 'choose'; req: ChooseRequest; selected: number }
  | { kind: 'service'; dryRun: boolean; options: string[]; selected: number }
  | { kind: 'cancel-run' }
  | { kind: 'editing'; path: string };

export interface SessionState {
  /** Index in PROCEDURE_IDS. */
  selected: number;
  interaction: Interaction | null;
  /** Step whose output is shown; null follows the running (or last) step. */
  focusStep: number | null;
  /** Output lines scrolled back from the newest. */
  scroll: number;
  notice: { text: string; tone: 'info' | 'warn' | 'error' } | null;
}

export interface SessionOptions {
  deps: ProcedureDeps;
  /** Refuses real runs (dry-run stays available). */
  readOnly: boolean;
  /** A reason to refuse a real run right now (e.g. "press a and type ARM first"), or null. */
  gate?: () => string | null;
  /** Environment of host commands (default: the operator's, see commandEnv). */
  env?: NodeJS.ProcessEnv;
  /** What the procedures act on when it is not this host (the demo's sandbox), in one line for the screen. */
  sandbox?: string;
}

export class ProcedureSession {
  readonly ui: StoreApi<SessionState>;
  /** The run, in the domain store (state/store.ts `procedure`). */
  readonly run: RunStore;
  /** Opens the editor with the terminal handed over; the screen sets it (Ink's suspendTerminal). */
  editor: ((path: string) => Promise<EditResult>) | null = null;
  private runner: ProcedureRunner | null = null;
  private answer: ((value: string | null) => void) | null = null;

  constructor(private readonly opts: SessionOptions) {
    this.run = procedureRunStore(opts.deps.store);
    this.ui = createStore<SessionState>(() => ({ selected: 0, interaction: null, focusStep: null, scroll: 0, notice: null }));
  }

  get busy(): boolean {
    return this.run.getState().status === 'running';
  }

  /** One line saying what the procedures act on, when it is a sandbox (the demo); else null. */
  get sandbox(): string | null {
    return this.opts.sandbox ?? null;
  }

  get selectedId(): ProcedureId {
    return PROCEDURE_IDS[this.ui.getState().selected] ?? 'crash-recovery';
  }

  private notice(text: string, tone: 'info' | 'warn' | 'error' = 'info'): void {
    this.ui.setState({ notice: { text, tone } });
  }

  /** Asks the screen; resolves with the operator's answer (null: cancelled or the run was cancelled). */
  private ask(interaction: Interaction, signal: AbortSignal): Promise<string | null> {
    return new Promise((resolve) => {
      const done = (v: string | null) => {
        signal.removeEventListener('abort', onAbort);
        this.answer = null;
        this.ui.setState({ interaction: null });
        resolve(v);
      };
      const onAbort = () => done(null);
      signal.addEventListener('abort', onAbort, { once: true });
      this.answer = done;
      this.ui.setState({ interaction });
    });
  }

  private hooks(): ProcedureHooks {
    return {
      confirm: (req, signal) => this.ask({ kind: 'confirm', req, input: '' }, signal),
      choose: (req, signal) => this.ask({ kind: 'choose', req, selected: 0 }, signal),
      editFile: async (path) => {
        if (!this.editor) return { ok: false, error: 'no editor available here: run `titan-tui run` from a shell' };
        this.ui.setState({ interaction: { kind: 'editing', path } });
        try {
          return await this.editor(path);
        } finally {
          this.ui.setState({ interaction: null });
        }
      },
    };
  }

  /** What the selected procedure does and its warning, shown before it is started. */
  preview(id: ProcedureId): { summary: string; warning?: string } {
    const built = buildProcedure(id, { service: this.opts.deps.contract.containers.execution }, this.opts.deps);
    return 'error' in built ? { summary: built.error } : { summary: built.summary, warning: built.warning };
  }

  /** Starts a procedure (dry-run lists its commands and runs none). */
  start(id: ProcedureId, args: ProcedureArgs = {}, dryRun = false): void {
    if (this.busy) return this.notice('a procedure is running: x cancels it', 'warn');
    if (!dryRun) {
      if (this.opts.readOnly) return this.notice('read-only mode: procedures do not run (p shows a dry run)', 'warn');
      const refused = this.opts.gate?.();
      if (refused) return this.notice(refused, 'warn');
    }
    const built = buildProcedure(id, args, this.opts.deps);
    if ('error' in built) return this.notice(built.error, 'error');
    this.runner = new ProcedureRunner({
      procedure: built,
      args,
      deps: this.opts.deps,
      settings: procedureSettings(this.opts.deps.config),
      hooks: this.hooks(),
      dryRun,
      store: this.run,
      env: this.opts.env,
    });
    this.ui.setState({ focusStep: null, scroll: 0, notice: null });
    void this.runner.run().catch((e: unknown) => this.notice(`internal error: ${(e as Error).message}`, 'error'));
  }

  /** Stops the running procedure (the command gets SIGINT, then SIGTERM, then SIGKILL). */
  cancel(): void {
    this.runner?.cancel();
  }

  private serviceOptions(): string[] {
    const c = this.opts.deps.contract.containers;
    const listed = this.opts.deps.store.getState().containers.value.map((x) => x.name);
    return [...new Set([c.execution, c.brain, ...listed])];
  }

  private begin(dryRun: boolean): void {
    const id = this.selectedId;
    if (PROCEDURES[id].needsService) {
      this.ui.setState({ interaction: { kind: 'service', dryRun, options: this.serviceOptions(), selected: 0 } });
      return;
    }
    this.start(id, {}, dryRun);
  }

  /**
   * The procedures screen's own keys (the input router gives them here first; the stop, splitting
   * bursts and the global keys are the router's). Returns false when the key is not this screen's:
   * the router then applies the cockpit's global keys (a arms, d disarms, ? help, Esc leaves).
   */
  onKey(k: KeyPress): boolean {
    const { name } = k;
    const s = this.ui.getState();
    const it = s.interaction;
    if (it) {
      this.onInteractionKey(it, k);
      return true;
    }
    if (this.busy) {
      if (name === 'x' || name === 'escape') {
        this.ui.setState({ interaction: { kind: 'cancel-run' } });
        return true;
      }
      return this.onViewKey(name);
    }
    switch (name) {
      case 'up':
      case 'k':
        this.ui.setState({ selected: Math.max(0, s.selected - 1), notice: null });
        return true;
      case 'down':
      case 'j':
        this.ui.setState({ selected: Math.min(PROCEDURE_IDS.length - 1, s.selected + 1), notice: null });
        return true;
      case 'enter':
        this.begin(false);
        return true;
      case DRY_RUN_KEY:
        this.begin(true);
        return true;
      case 'escape':
        // A finished run (a dry run included) is closed first: back to the procedure list.
        if (this.run.getState().status !== 'idle') {
          this.run.setState(idleRunState(), true);
          this.ui.setState({ focusStep: null, scroll: 0, notice: null });
          return true;
        }
        return false;
      default:
        return this.onViewKey(name);
    }
  }

  /** Which step's output is shown and how far back. */
  private onViewKey(name: string): boolean {
    const s = this.ui.getState();
    const run = this.run.getState();
    const n = run.steps.length;
    if (n === 0 || !VIEW_KEYS.has(name)) return false;
    const current =
      s.focusStep ??
      run.current ??
      Math.max(
        0,
        run.steps.findIndex((x) => x.status === 'failed' || x.status === 'cancelled'),
      );
    if (name === 'tab' || name === 'right') this.ui.setState({ focusStep: (current + 1) % n, scroll: 0 });
    else if (name === 'shift+tab' || name === 'left') this.ui.setState({ focusStep: (current + n - 1) % n, scroll: 0 });
    else if (name === 'pageup' || name === 'ctrl+b') this.ui.setState({ scroll: s.scroll + 10 });
    else if (name === 'pagedown' || name === 'ctrl+f') this.ui.setState({ scroll: Math.max(0, s.scroll - 10) });
    else if (name === 'G' || name === 'end') this.ui.setState({ scroll: 0, focusStep: null });
    return true;
  }

  private onInteractionKey(it: Interaction, k: KeyPress): void {
    const { input, name } = k;
    switch (it.kind) {
      case 'editing':
        return;
      case 'cancel-run':
        this.ui.setState({ interaction: null });
        if (input === 'y' || input === 'Y') {
          this.cancel();
          this.notice('cancelling: SIGINT, then SIGTERM after 3 s, then SIGKILL', 'warn');
        }
        return;
      case 'service': {
        if (name === 'escape') return this.ui.setState({ interaction: null });
        if (name === 'up' || name === 'down') {
          const n = it.options.length;
          return this.ui.setState({ interaction: { ...it, selected: (it.selected + (name === 'up' ? n - 1 : 1)) % n } });
        }
        if (name === 'enter') {
          this.ui.setState({ interaction: null });
          const service = it.options[it.selected];
          if (service) this.start(this.selectedId, { service }, it.dryRun);
        }
        return;
      }
      case 'choose': {
        if (name === 'escape') return this.answer?.(null);
        if (name === 'up' || name === 'down') {
          const n = Math.max(1, it.req.options.length);
          return this.ui.setState({ interaction: { ...it, selected: (it.selected + (name === 'up' ? n - 1 : 1)) % n } });
        }
        if (name === 'enter') this.answer?.(it.req.options[it.selected]?.value ?? null);
        return;
      }
      case 'confirm': {
        // The same typed confirmation as the action prompts (src/input/typed-word.ts).
        const step = typeWord({ word: it.req.word, input: it.input, error: it.error }, k);
        if (step.kind === 'cancelled') return this.answer?.(null);
        if (step.kind === 'confirmed') return this.answer?.(it.req.word);
        return this.ui.setState({ interaction: { ...it, input: step.state.input, error: step.state.error } });
      }
    }
  }

  /** Leaving the cockpit: stop what runs. */
  dispose(): void {
    this.runner?.cancel();
  }
}
