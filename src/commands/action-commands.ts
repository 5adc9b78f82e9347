/**
 * Every action, declared once: its key, its palette and command-line name, its typed word, whether
 * it needs arming and asks for a reason, and what state it re-reads before it runs. The keymap,
 * the prompts, the plans, the action layer, the CLI table (src/cli/spec.ts), `--help` and the
 * README tables are all derived from this table.
 */
import type { ActionId } from '../actions/types.js';

/** The container's own name is the word (restart): nothing fixed to type. */
export const CONTAINER_NAME = '<container name>';

export interface ActionCommand {
  action: ActionId;
  /** The keymap's command id. */
  command: `action.${string}`;
  /** Default key (an uppercase letter: actions never sit on a lowercase key). */
  key: string;
  /** Help and palette label. */
  label: string;
  /** Short footer label, when the action is shown there. */
  footer?: string;
  /** The exact word the operator types; CONTAINER_NAME for restart. */
  word: string;
  needsArm: boolean;
  /** The prompt asks for a free-text reason before the word (the emergency paths: it is optional). */
  asksReason: boolean;
  /** Sends a reason (`--reason` on the command line): it travels in the command and the audit. */
  takesReason: boolean;
  /** Re-reads the halt file before it runs (besides the container list, which every action re-reads). */
  readsHaltFile: boolean;
  /** One line for `--help` and the README's command table. */
  about: string;
}

export const ACTION_COMMANDS = [
  {
    action: 'stop-all',
    command: 'action.stopAll',
    key: '!',
    label: 'EMERGENCY FULL STOP (halt file + NATS halt)',
    footer: 'STOP',
    word: 'HALT',
    needsArm: false,
    asksReason: true,
    takesReason: true,
    readsHaltFile: true,
    about: 'EMERGENCY FULL STOP: halt file + NATS halt, at once',
  },
  {
    action: 'halt',
    command: 'action.halt',
    key: 'H',
    label: 'halt trading (NATS halt)',
    footer: 'halt',
    word: 'HALT',
    needsArm: true,
    asksReason: true,
    takesReason: true,
    readsHaltFile: true,
    about: 'publish the NATS halt (hard unless --soft)',
  },
  {
    action: 'resume',
    command: 'action.resume',
    key: 'U',
    label: 'resume trading (lift the halt)',
    footer: 'resume',
    word: 'RESUME',
    needsArm: true,
    asksReason: false,
    takesReason: true,
    readsHaltFile: true,
    about: 'publish the NATS resume (lifts the halt)',
  },
  {
    action: 'flatten',
    command: 'action.flatten',
    key: 'F',
    label: 'flatten all positions',
    footer: 'flatten',
    word: 'FLATTEN',
    needsArm: true,
    asksReason: true,
    takesReason: true,
    readsHaltFile: false,
    about: 'close every open position at market',
  },
  {
    action: 'kill',
    command: 'action.kill',
    key: 'K',
    label: 'kill switch: stop execution, then brain',
    footer: 'kill',
    word: 'KILL',
    needsArm: true,
    asksReason: false,
    takesReason: false,
    readsHaltFile: false,
    about: 'kill switch: docker stop execution, then brain',
  },
  {
    action: 'restart',
    command: 'action.restart',
    key: 'R',
    label: 'restart the selected container',
    footer: 'restart',
    word: CONTAINER_NAME,
    needsArm: true,
    asksReason: false,
    takesReason: false,
    readsHaltFile: false,
    about: 'docker restart execution, brain or a container, then wait for health',
  },
  {
    action: 'clear-halt-file',
    command: 'action.clearHaltFile',
    key: 'C',
    label: 'clear the halt file',
    word: 'CLEAR',
    needsArm: true,
    asksReason: false,
    takesReason: false,
    readsHaltFile: true,
    about: 'delete the halt file in execution',
  },
  {
    action: 'breaker-reset',
    command: 'action.breakerReset',
    key: 'B',
    label: 'reset the circuit breaker',
    word: 'RESET',
    needsArm: true,
    asksReason: false,
    takesReason: false,
    readsHaltFile: false,
    about: "reset brain's circuit breaker (HMAC + admin JWT)",
  },
  {
    action: 'recover',
    command: 'action.recover',
    key: 'V',
    label: 'recovery sequence (runbook)',
    word: 'RESUME',
    needsArm: true,
    asksReason: false,
    takesReason: true,
    readsHaltFile: true,
    about: 'guided recovery: clear the halt file, resume, check, reset the breaker',
  },
] as const satisfies readonly ActionCommand[];

/** The keymap ids of the actions, from the table (src/keymap/keymap.ts adds the screen commands). */
export type ActionCommandId = (typeof ACTION_COMMANDS)[number]['command'];

export function actionCommand(id: ActionId): ActionCommand {
  const c: ActionCommand | undefined = ACTION_COMMANDS.find((x) => x.action === id);
  if (!c) throw new Error(`no action command ${id}`);
  return c;
}

/** The action a keymap command runs, if it is one. */
export function actionOfCommand(command: string): ActionId | undefined {
  return ACTION_COMMANDS.find((c) => c.command === command)?.action;
}
