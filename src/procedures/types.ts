/**
 * Runbook procedures as checklists: a Procedure is an ordered list of Steps; a runner executes
 * them one by one, stops at the first failure and reports every step's state and output.
 */
import type { Config } from '../config/schema.js';
import type { Contract } from '../contract/types.js';
import type { AuditSink } from '../services/audit.js';
import type { Engine } from '../services/engine.js';
import type { CockpitStore } from '../state/store.js';

export const PROCEDURE_IDS = ['crash-recovery', 'code-rollback', 'db-rollback', 'secret-rotation', 'db-credential-rotation'] as const;
export type ProcedureId = (typeof PROCEDURE_IDS)[number];

export type StepStatus = 'pending' | 'running' | 'ok' | 'failed' | 'skipped' | 'cancelled';
export type StepKind = 'command' | 'action' | 'check' | 'prompt';
export type RunStatus = 'idle' | 'running' | 'ok' | 'failed' | 'cancelled';

/** What the procedures need from the cockpit; the Runtime satisfies it. */
export interface ProcedureDeps {
  store: CockpitStore;
  contract: Contract;
  config: Config;
  operator: string;
  engine: Engine;
  audit: AuditSink;
}

/** procedures.* with every path made absolute. */
export interface ProcedureSettings {
  deployDir: string;
  deployCommand: string[];
  backupDir: string;
  restoreCommand: string[];
  envFile: string;
  composeCommand: string[] | null;
  composeFile: string | null;
  composeProject: string | null;
  stepTimeoutSec: number;
}

/** An answer fed to a command's stdin when it asks. */
export interface PromptAnswer {
  /** Text the command prints when it asks (stdout or stderr, newline or not). */
  expect: string;
  answer: string;
}

/** A host command: always an argument array, never a shell string. */
export interface CommandSpec {
  argv: string[];
  cwd: string;
  env?: Record<string, string>;
  answers?: PromptAnswer[];
  /** Output that means failure even on exit code 0 (restore-db.sh exits 0 when the answer is not y). */
  failOn?: Array<{ text: string; why: string }>;
}

export interface CommandResult {
  /** How it ended: exited by itself, or stopped by us. */
  ended: 'exit' | 'cancelled' | 'timeout' | 'spawn-error';
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Why it could not start (spawn-error), operator-readable. */
  error?: string;
  /** The failOn reason that matched, if any. */
  failed?: string;
  durationMs: number;
}

export interface ConfirmRequest {
  stepId: string;
  title: string;
  lines: string[];
  warning?: string;
  /** The exact text the operator must type. */
  word: string;
}

export interface ChooseRequest {
  stepId: string;
  title: string;
  lines: string[];
  options: Array<{ value: string; label: string }>;
}

export type EditResult = { ok: true } | { ok: false; error: string };

/** What the runner asks of whoever drives it (the TUI screen or the CLI). */
export interface ProcedureHooks {
  /** Resolves the typed text, or null when the operator cancelled. */
  confirm(req: ConfirmRequest, signal: AbortSignal): Promise<string | null>;
  /** Resolves the chosen option's value, or null when the operator cancelled. */
  choose(req: ChooseRequest, signal: AbortSignal): Promise<string | null>;
  /** Opens the file in the operator's editor and resolves when the editor exits. */
  editFile(path: string, signal: AbortSignal): Promise<EditResult>;
}

/** Arguments of a procedure (from the command line or the screen). */
export interface ProcedureArgs {
  /** crash-recovery: 'execution', 'brain' or a container name. */
  service?: string;
  /** db-rollback: the backup file name (inside backupDir). */
  backup?: string;
}

/** Shared by the steps of one run. */
export interface RunCtx {
  procedureId: ProcedureId;
  args: ProcedureArgs;
  settings: ProcedureSettings;
  deps: ProcedureDeps;
  dryRun: boolean;
  /** Values found by earlier steps (branch, chosen backup, new HEAD, container ids). */
  vars: Record<string, string>;
  /** The compose argument prefix (configured or detected), with -f/-p. */
  compose(): Promise<string[]>;
  /** Environment for host commands. */
  env: NodeJS.ProcessEnv;
}

/** Given to a step while it runs. */
export interface StepIO {
  signal: AbortSignal;
  hooks: ProcedureHooks;
  /** Adds a line to the step's output (sanitized here). */
  line(text: string): void;
  /** Runs a host command, streaming its output into the step. */
  exec(spec: CommandSpec): Promise<CommandResult>;
  /** Runs a read-only host command quietly and returns its stdout (bounded). */
  capture(spec: CommandSpec): Promise<{ ok: true; stdout: string } | { ok: false; error: string }>;
}

export type StepOutcome = { ok: true; summary: string } | { ok: false; summary: string; cancelled?: boolean; exitCode?: number | null };

/** A line of a step's plan: text, or a command shown with its directory. */
export type PlanLine = string | { argv: string[]; cwd: string; answers?: PromptAnswer[] };

export interface ConfirmSpec {
  title: string;
  lines: string[];
  warning?: string;
  word: string;
}

export interface Step {
  id: string;
  label: string;
  kind: StepKind;
  /** Changes the system (shown in red; only runs after the procedure's typed confirmation). */
  destructive: boolean;
  /** The typed confirmation asked right before this step runs. */
  confirm?: (ctx: RunCtx) => ConfirmSpec | Promise<ConfirmSpec>;
  timeoutSec?: number;
  /** A host command: its exit code decides. Also what dry-run lists. */
  command?: (ctx: RunCtx) => CommandSpec | Promise<CommandSpec>;
  /** After the command exited 0: read-only follow-up (e.g. note the new HEAD). */
  after?: (ctx: RunCtx, io: StepIO) => Promise<StepOutcome | null>;
  /** Any other step; returns its outcome. */
  run?: (ctx: RunCtx, io: StepIO) => Promise<StepOutcome>;
  /** What the step will do, for the checklist and dry-run (command steps list their command). */
  plan: (ctx: RunCtx) => PlanLine[] | Promise<PlanLine[]>;
  /** Added to the failure reason: the state the system is left in and what to do. */
  onFailure?: string;
}

export interface Procedure {
  id: ProcedureId;
  title: string;
  /** One line: what it is for. */
  summary: string;
  /** Shown before anything runs. */
  warning?: string;
  steps: Step[];
}

export interface StepView {
  id: string;
  label: string;
  kind: StepKind;
  destructive: boolean;
  status: StepStatus;
  startedAt: number | null;
  durationMs: number | null;
  exitCode: number | null;
  /** Why it ended this way (or the dry-run note). */
  summary: string;
  /** Sanitized output, the last OUTPUT_LINES lines. */
  output: string[];
  /** Lines that fell out of the ring. */
  dropped: number;
  /** The plan text (dry-run and the checklist's detail). */
  plan: string[];
  /** The typed confirmation for this step, when it had one. */
  confirmation: string | null;
}

export interface RunState {
  runId: string;
  procedureId: ProcedureId | null;
  title: string;
  warning?: string;
  dryRun: boolean;
  status: RunStatus;
  startedAt: number | null;
  finishedAt: number | null;
  /** The outcome in one line: which step failed and why. */
  summary: string;
  steps: StepView[];
  /** Index of the running step. */
  current: number | null;
}

export type RunEvent =
  | { type: 'run.start'; state: RunState }
  | { type: 'step.start'; index: number; step: StepView }
  | { type: 'step.line'; index: number; text: string }
  | { type: 'step.end'; index: number; step: StepView }
  | { type: 'run.end'; state: RunState };

export const OUTPUT_LINES = 500;
