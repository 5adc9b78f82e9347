/**
 * The command line, declared once: every command with its arguments, flags, confirmation word and
 * description. The parser (args.ts), `--help` and the README's command table (usage.ts) are all
 * generated from this table, so they cannot disagree (test/unit/cli-spec.test.ts checks the README).
 */
import type { ActionId } from '../actions/types.js';
import { actionCommand, CONTAINER_NAME } from '../commands/action-commands.js';
import { SECRET_PATHS } from '../config/schema.js';
import { SECRET_FILE_PATHS, SETTINGS } from '../config/settings.js';

export interface FlagSpec {
  name: string;
  type: 'boolean' | 'string';
  /** May be given more than once (the values are kept in order). */
  multiple?: boolean;
  /** Placeholder of the value in the usage, e.g. FILE. */
  value?: string;
  short?: string;
  help: string;
}

export interface ArgSpec {
  name: string;
  required: boolean;
}

export interface CommandSpec {
  /** '' is the cockpit (no command word). */
  name: string;
  args: ArgSpec[];
  flags: FlagSpec[];
  /** The word --confirm answers (shown in the usage); restart's is the container name. */
  confirm?: string;
  about: string;
  /** The action of the action layer this command runs. */
  action?: ActionId;
}

const json: FlagSpec = { name: 'json', type: 'boolean', help: 'machine-readable output' };
const reason: FlagSpec = { name: 'reason', type: 'string', value: 'R', help: 'why (recorded in the command and the audit log)' };
const confirm = (word: string): FlagSpec => ({
  name: 'confirm',
  type: 'string',
  value: word,
  help: 'answers the typed confirmation (for scripts)',
});

/** An action command, from the one action table (src/commands/action-commands.ts). */
function action(id: ActionId, extra: FlagSpec[] = []): CommandSpec {
  const c = actionCommand(id);
  const args: ArgSpec[] = c.word === CONTAINER_NAME ? [{ name: 'service', required: true }] : [];
  return {
    name: id,
    args,
    flags: [...extra, ...(c.takesReason ? [reason] : []), confirm(c.word), json],
    confirm: c.word,
    about: c.about,
    action: id,
  };
}

export const COMMANDS: readonly CommandSpec[] = [
  { name: '', args: [], flags: [], about: 'open the cockpit' },
  { name: 'demo', args: [], flags: [], about: 'open the cockpit on a built-in simulated Titan' },
  { name: 'config', args: [], flags: [json], about: 'print the effective configuration (secrets masked) and its files' },
  { name: 'contexts', args: [], flags: [json], about: 'list the contexts (deployments) of the config file and which one is in use' },
  {
    name: 'status',
    args: [],
    flags: [{ name: 'all-contexts', type: 'boolean', help: 'every context of the config file, at once' }, json],
    about: 'print containers, halt, breaker and health once; exit 1 unless every source answered (of every context with --all-contexts)',
  },
  {
    name: 'doctor',
    args: [],
    flags: [json],
    about: 'check every emergency-stop path and the audit log; exit 0 all ready, 4 degraded, 1 no stop path',
  },
  action('halt', [{ name: 'soft', type: 'boolean', help: 'soft halt (the titan profile has one)' }]),
  action('resume'),
  action('flatten'),
  action('stop-all'),
  action('kill'),
  action('restart'),
  action('clear-halt-file'),
  action('breaker-reset'),
  action('recover'),
  {
    name: 'run',
    args: [
      { name: 'procedure', required: true },
      { name: 'service', required: false },
    ],
    flags: [
      { name: 'dry-run', type: 'boolean', help: 'list every step and command, run none' },
      { name: 'confirm', type: 'string', multiple: true, value: 'WORD', help: 'one per confirmation, in order (or comma-separated)' },
      { name: 'backup', type: 'string', value: 'FILE', help: 'the backup db-rollback restores' },
      json,
    ],
    about: 'run a runbook procedure as a checklist; one --confirm per confirmation, in order (README.md: Procedures)',
  },
];

/** Options every command accepts, besides the settings' own flags. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { name: 'config', type: 'string', value: 'FILE', help: 'config file, read as named (default: $XDG_CONFIG_HOME/titan-tui/config.json)' },
  {
    name: 'context',
    type: 'string',
    value: 'NAME',
    help: 'the context (deployment) to use (default: TITAN_TUI_CONTEXT, then the file\'s "context")',
  },
  { name: 'help', type: 'boolean', short: 'h', help: 'this text (with a command: its usage)' },
  { name: 'version', type: 'boolean', help: 'the version' },
];

/** Flags of secrets: refused on the command line (every user can read /proc/PID/cmdline). */
export const SECRET_FLAGS: ReadonlyMap<string, { env: string; fileFlag: string; fileEnv: string }> = new Map(
  SECRET_PATHS.map((path) => {
    const s = SETTINGS.find((x) => x.path === path);
    const f = SETTINGS.find((x) => x.path === SECRET_FILE_PATHS[path]);
    if (!s || !f) throw new Error(`settings table lacks ${path} or its file setting`);
    // NATS_PASS is the ecosystem's own name, read too (config/load.ts).
    return [s.flag, { env: path === 'nats.pass' ? `NATS_PASS (or ${s.env})` : s.env, fileFlag: f.flag, fileEnv: f.env }];
  }),
);

/** Every setting is also a flag (--nats-servers, --read-only, ...), secrets excepted. */
export const SETTING_FLAGS: readonly FlagSpec[] = SETTINGS.filter((s) => !SECRET_FLAGS.has(s.flag)).map((s) => ({
  name: s.flag,
  type: s.type === 'boolean' ? 'boolean' : 'string',
  value: 'VALUE',
  help: `setting ${s.path}`,
}));

export const commandSpec = (name: string): CommandSpec | undefined => COMMANDS.find((c) => c.name === name);
