/**
 * The one keymap. Key handling, the `?` help screen, the footer hints, the `:` palette and
 * read-only gating are all derived from this table. Actions never run on a key alone: their key
 * opens a typed confirmation prompt. The actions' entries come from src/commands/action-commands.ts.
 */
import { ACTION_COMMANDS, type ActionCommand, type ActionCommandId } from '../commands/action-commands.js';
export type CommandId =
  | 'app.help'
  | 'app.palette'
  | 'app.quit'
  | 'app.back'
  | 'app.redraw'
  | 'app.audit'
  | 'app.procedures'
  | 'app.cockpit'
  | 'nav.nextPane'
  | 'nav.prevPane'
  | 'nav.up'
  | 'nav.down'
  | 'nav.pageUp'
  | 'nav.pageDown'
  | 'nav.top'
  | 'nav.bottom'
  | 'nav.select'
  | 'logs.follow'
  | 'logs.wrap'
  | 'logs.timestamps'
  | 'logs.filter'
  | 'logs.nextMatch'
  | 'logs.prevMatch'
  | 'logs.save'
  | 'logs.presetTail'
  | 'logs.preset1m'
  | 'logs.preset5m'
  | 'logs.preset15m'
  | 'logs.preset1h'
  | 'mode.arm'
  | 'mode.disarm'
  | ActionCommandId;

export type Group = 'Emergency' | 'Actions' | 'Mode' | 'Navigation' | 'Logs' | 'App';

export interface Binding {
  id: CommandId;
  keys: string[];
  label: string;
  group: Group;
  /** Palette command name (with completion); omitted for pure navigation keys. */
  palette?: string;
  /** Changes the trading system: not registered at all in read-only mode. */
  dangerous?: boolean;
  /** Needs ARMED mode (the emergency stop does not). */
  needsArm?: boolean;
  /** Shown in the footer (short label). */
  footer?: string;
  /** Where the key is active: everywhere, or only when that pane has focus. */
  scope?: 'global' | 'logs' | 'containers';
}

/** The actions' bindings, from the one action table: key, label, footer, arming. */
const ACTION_BINDINGS: Binding[] = ACTION_COMMANDS.map((c: ActionCommand & { command: ActionCommandId }) => ({
  id: c.command,
  keys: [c.key],
  label: c.label,
  group: c.action === 'stop-all' ? 'Emergency' : 'Actions',
  palette: c.action,
  dangerous: true,
  ...(c.needsArm ? { needsArm: true } : {}),
  ...(c.footer ? { footer: c.footer } : {}),
}));

export const DEFAULT_BINDINGS: Binding[] = [
  ...ACTION_BINDINGS,
  { id: 'mode.arm', keys: ['a'], label: 'arm (type ARM; expires)', group: 'Mode', palette: 'arm', dangerous: true, footer: 'arm' },
  { id: 'mode.disarm', keys: ['d'], label: 'disarm now', group: 'Mode', palette: 'disarm', dangerous: true },
  { id: 'nav.nextPane', keys: ['tab'], label: 'next pane', group: 'Navigation', footer: 'pane' },
  { id: 'nav.prevPane', keys: ['shift+tab'], label: 'previous pane', group: 'Navigation' },
  { id: 'nav.up', keys: ['up', 'k'], label: 'up', group: 'Navigation' },
  { id: 'nav.down', keys: ['down', 'j'], label: 'down', group: 'Navigation' },
  { id: 'nav.pageUp', keys: ['pageup', 'ctrl+b'], label: 'page up', group: 'Navigation' },
  { id: 'nav.pageDown', keys: ['pagedown', 'ctrl+f'], label: 'page down', group: 'Navigation' },
  { id: 'nav.top', keys: ['home', 'g'], label: 'top', group: 'Navigation' },
  { id: 'nav.bottom', keys: ['end', 'G'], label: 'bottom (and follow)', group: 'Navigation' },
  { id: 'nav.select', keys: ['enter'], label: 'show logs of the selected container', group: 'Navigation', scope: 'containers' },
  { id: 'logs.follow', keys: ['f'], label: 'follow on/off', group: 'Logs', palette: 'follow', scope: 'logs', footer: 'follow' },
  { id: 'logs.wrap', keys: ['w'], label: 'wrap on/off', group: 'Logs', palette: 'wrap', scope: 'logs' },
  { id: 'logs.timestamps', keys: ['t'], label: 'timestamps on/off', group: 'Logs', palette: 'timestamps', scope: 'logs' },
  { id: 'logs.filter', keys: ['/'], label: 'regex filter (Enter applies, Esc clears)', group: 'Logs', palette: 'filter', footer: 'filter' },
  { id: 'logs.nextMatch', keys: ['n'], label: 'next match', group: 'Logs', scope: 'logs' },
  { id: 'logs.prevMatch', keys: ['N'], label: 'previous match', group: 'Logs', scope: 'logs' },
  { id: 'logs.save', keys: ['s'], label: 'save the buffered lines to a file', group: 'Logs', palette: 'save-logs', scope: 'logs' },
  { id: 'logs.presetTail', keys: ['0'], label: 'history: last lines (tail)', group: 'Logs', palette: 'since tail' },
  { id: 'logs.preset1m', keys: ['1'], label: 'history: 1 minute', group: 'Logs', palette: 'since 1m' },
  { id: 'logs.preset5m', keys: ['2'], label: 'history: 5 minutes', group: 'Logs', palette: 'since 5m' },
  { id: 'logs.preset15m', keys: ['3'], label: 'history: 15 minutes', group: 'Logs', palette: 'since 15m' },
  { id: 'logs.preset1h', keys: ['4'], label: 'history: 1 hour', group: 'Logs', palette: 'since 1h' },
  { id: 'app.help', keys: ['?'], label: 'help', group: 'App', palette: 'help', footer: 'help' },
  { id: 'app.palette', keys: [':'], label: 'command palette', group: 'App', footer: 'cmd' },
  { id: 'app.audit', keys: ['A'], label: 'audit screen', group: 'App', palette: 'audit' },
  { id: 'app.procedures', keys: ['P'], label: 'runbook procedures (checklists)', group: 'App', palette: 'procedures' },
  { id: 'app.cockpit', keys: [], label: 'cockpit screen', group: 'App', palette: 'cockpit' },
  { id: 'app.redraw', keys: ['ctrl+l'], label: 'redraw the screen', group: 'App', palette: 'redraw' },
  { id: 'app.back', keys: ['escape'], label: 'back / cancel (never quits)', group: 'App' },
  { id: 'app.quit', keys: ['q', 'ctrl+c'], label: 'quit (asks first when armed)', group: 'App', palette: 'quit', footer: 'quit' },
];

/** Keys that may never be bound to a dangerous command (readline/vim muscle memory, k9s#1318). */
const FORBIDDEN_FOR_DANGEROUS = /^(ctrl\+|escape$|enter$|backspace$|delete$|tab$|space$)/;

/**
 * The emergency stop's key. It opens the stop on every screen and inside every prompt, always: no
 * override may take it away or give it to another command. So `!` can never be typed into a prompt
 * (a reason, a confirmation word, the log filter); no confirmation word contains it.
 */
export const STOP_KEY = '!';

export interface KeymapProblem {
  command: string;
  message: string;
}

const NAMED_KEYS = new Set([
  'up',
  'down',
  'left',
  'right',
  'pageup',
  'pagedown',
  'home',
  'end',
  'enter',
  'escape',
  'tab',
  'shift+tab',
  'backspace',
  'delete',
  'space',
]);
const ALIASES: Record<string, string> = { esc: 'escape', return: 'enter', pgup: 'pageup', pgdn: 'pagedown', del: 'delete' };

/**
 * Every key name keyName() can produce from what Ink delivers, and so every key a config may use:
 * one printable ASCII character, a named key, ctrl+letter, meta+letter/digit. Not deliverable,
 * hence refused: function keys (Ink parses F1 but hands useInput an empty input with no flag set),
 * ctrl+h/i/j/m (the terminal sends backspace, tab, newline, return), shift+letter (the letter
 * arrives upper-case: write `H`), anything longer. test/ui/keymap-keys.test.tsx proves each
 * class through Ink's own input parser.
 */
export function isDeliverableKey(k: string): boolean {
  if (/^[\x21-\x7e]$/.test(k)) return true;
  if (NAMED_KEYS.has(k)) return true;
  if (/^ctrl\+[a-z]$/.test(k)) return !'hijm'.includes(k.slice(5));
  return /^meta\+[a-zA-Z0-9]$/.test(k);
}

/** "Ctrl+X" → "ctrl+x", "Esc" → "escape"; single characters and meta+<char> keep their case. */
export function normalizeKey(raw: string): string {
  const k = raw.trim();
  if (k.length <= 1) return k;
  const meta = /^meta\+(.)$/i.exec(k);
  if (meta) return `meta+${meta[1]}`;
  const lower = k.toLowerCase();
  return ALIASES[lower] ?? lower;
}

/** Why `k` cannot be used at all, or null. */
function undeliverable(k: string): string | null {
  if (isDeliverableKey(k)) return null;
  if (/^f\d+$/.test(k)) return `'${k}' never reaches the cockpit (Ink does not report function keys); use ctrl+<letter>`;
  if (/^ctrl\+[hijm]$/.test(k))
    return `'${k}' arrives as ${{ h: 'backspace', i: 'tab', j: 'enter', m: 'enter' }[k.slice(5)]} in a terminal`;
  if (/^shift\+[a-z]$/.test(k)) return `'${k}' is not a key name: write the upper-case letter ('${k.slice(6).toUpperCase()}')`;
  return `'${k}' is not a key the cockpit can read (one character, a named key like pageup, ctrl+<letter> or meta+<letter>)`;
}

/**
 * Why `k` cannot be an extra emergency-stop key, or null. The stop's keys are read before any
 * prompt sees the key, so a printable one could never be typed into a prompt again (T would make
 * HALT untypable), and the prompts' own editing and navigation keys must keep working there.
 */
function notForStop(k: string): string | null {
  if (k === STOP_KEY) return null;
  if (/^(ctrl|meta)\+/.test(k)) return null;
  if (NAMED_KEYS.has(k)) return `'${k}' cannot open the emergency stop: prompts and the palette need it (add a ctrl+<letter> key instead)`;
  return `'${k}' cannot open the emergency stop: it works inside prompts, where '${k}' must type itself (add a ctrl+<letter> key instead)`;
}

/** Checks one override; returns its keys, or the problem. */
function checkOverride(b: Binding, value: string | string[]): { keys: string[] } | { problem: string } {
  const keys = (Array.isArray(value) ? value : [value]).map(normalizeKey).filter(Boolean);
  for (const k of keys) {
    const why = undeliverable(k);
    if (why) return { problem: why };
  }
  if (b.id === 'action.stopAll') {
    if (!keys.includes(STOP_KEY))
      return { problem: `'${STOP_KEY}' must stay the emergency stop; keys can only be added (e.g. ["${STOP_KEY}", "ctrl+x"])` };
    for (const k of keys) {
      const why = notForStop(k);
      if (why) return { problem: why };
    }
    return { keys };
  }
  if (keys.includes(STOP_KEY)) return { problem: `'${STOP_KEY}' is the emergency stop and cannot be bound to anything else` };
  const bad = keys.find((k) => b.dangerous && FORBIDDEN_FOR_DANGEROUS.test(k));
  if (bad) return { problem: `'${bad}' cannot trigger an action (control chords and editing keys are too easy to hit)` };
  return { keys };
}

/** Two bindings clash when one key would reach both: same scope, or either one global. */
function clashes(a: Binding, b: Binding): boolean {
  const sa = a.scope ?? 'global';
  const sb = b.scope ?? 'global';
  return sa === sb || sa === 'global' || sb === 'global' || a.id === 'action.stopAll' || b.id === 'action.stopAll';
}

/**
 * Applies user overrides (`keymap: { "action.halt": "X" }`), validated: unknown commands, keys the
 * cockpit cannot read, control chords on dangerous commands, anything that would take `!` from
 * the emergency stop, printable or editing keys on the stop, and keys bound twice are refused
 * with a readable problem.
 */
export function buildKeymap(
  overrides: Record<string, string | string[]>,
  readOnly: boolean,
): { bindings: Binding[]; problems: KeymapProblem[] } {
  const problems: KeymapProblem[] = [];
  let bindings = DEFAULT_BINDINGS.map((b) => ({ ...b, keys: [...b.keys] }));
  for (const [command, value] of Object.entries(overrides)) {
    const b = bindings.find((x) => x.id === command);
    if (!b) {
      problems.push({ command, message: `unknown command; known: ${DEFAULT_BINDINGS.map((x) => x.id).join(', ')}` });
      continue;
    }
    const checked = checkOverride(b, value);
    if ('problem' in checked) problems.push({ command, message: checked.problem });
    else b.keys = checked.keys;
  }
  // Checked on the full table, read-only or not: a config is valid or not whatever the mode. The
  // problem names the command the operator changed, not the default it collides with.
  for (const [i, b] of bindings.entries()) {
    for (const k of b.keys) {
      const other = bindings.slice(0, i).find((o) => o.keys.includes(k) && clashes(o, b));
      if (!other) continue;
      const [mine, theirs] = b.id in overrides ? [b, other] : [other, b];
      problems.push({ command: mine.id, message: `key '${k}' is already bound to ${theirs.id}` });
    }
  }
  if (readOnly) bindings = bindings.filter((b) => !b.dangerous);
  return { bindings, problems };
}

/**
 * The keymap check config loading runs (src/config/load.ts): the first problem as one line,
 * `keymap.<command>: <why>`, or null when the overrides are valid.
 */
export function keymapConfigProblem(overrides: Record<string, string | string[]>): string | null {
  const p = buildKeymap(overrides, false).problems[0];
  return p ? `keymap.${p.command}: ${p.message}` : null;
}

/**
 * The keys of the emergency stop and of every other action under these overrides, read-only or
 * not: a read-only cockpit answers them with a notice instead of ignoring them.
 */
export function actionKeys(overrides: Record<string, string | string[]>): { stop: string[]; actions: Set<string>; palette: Set<string> } {
  const { bindings, problems } = buildKeymap(overrides, false);
  const table = problems.length ? DEFAULT_BINDINGS : bindings;
  const dangerous = table.filter((b) => b.dangerous);
  const stop = table.find((b) => b.id === 'action.stopAll')?.keys ?? [STOP_KEY];
  return {
    stop: stop.includes(STOP_KEY) ? stop : [STOP_KEY, ...stop],
    actions: new Set(dangerous.flatMap((b) => b.keys)),
    palette: new Set(dangerous.flatMap((b) => (b.palette ? [b.palette] : []))),
  };
}

/** Ink's (input, key) → the canonical key name used in the table. */
export function keyName(
  input: string,
  key: {
    upArrow?: boolean;
    downArrow?: boolean;
    leftArrow?: boolean;
    rightArrow?: boolean;
    pageUp?: boolean;
    pageDown?: boolean;
    home?: boolean;
    end?: boolean;
    return?: boolean;
    escape?: boolean;
    tab?: boolean;
    backspace?: boolean;
    delete?: boolean;
    ctrl?: boolean;
    shift?: boolean;
    meta?: boolean;
  },
): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.backspace) return 'backspace';
  if (key.delete) return 'delete';
  if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
  if (key.meta && input) return `meta+${input}`;
  if (input === ' ') return 'space';
  return input;
}

/** Finds the command for a key in the given focus scope (scoped bindings win over global ones). */
export function resolveKey(bindings: Binding[], name: string, focus: 'logs' | 'containers' | 'other'): Binding | undefined {
  const scoped = bindings.find((b) => b.scope === focus && b.keys.includes(name));
  return scoped ?? bindings.find((b) => (b.scope === undefined || b.scope === 'global') && b.keys.includes(name));
}
