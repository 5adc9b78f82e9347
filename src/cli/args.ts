/**
 * Strict command-line parsing, per command, with util.parseArgs: an unknown flag, a missing value,
 * a flag given twice or a misplaced argument is a usage error (exit 2) before anything connects or
 * sends. `halt --sfot` must never become a hard halt.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { redactUrl } from '../services/redact.js';
import { COMMANDS, type CommandSpec, commandSpec, type FlagSpec, GLOBAL_FLAGS, SECRET_FLAGS, SETTING_FLAGS } from './spec.js';

/** A command line the CLI does not understand: one line, then the command's usage; exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    /** The command it is about (its usage is printed), when known. */
    readonly command?: CommandSpec,
  ) {
    super(message);
  }
}

export interface ParsedCommand {
  command: CommandSpec;
  /** Arguments after the command word. */
  positionals: string[];
  /** The command's own flags (json, confirm, reason, ...). */
  values: Record<string, string | boolean | string[] | undefined>;
  /** Setting flags for loadConfig (kebab-case names). */
  settings: Record<string, string | boolean>;
  configFile?: string;
  /** --context NAME. */
  context?: string;
  help: boolean;
  version: boolean;
}

type Options = NonNullable<ParseArgsConfig['options']>;

function optionsOf(flags: readonly FlagSpec[]): Options {
  const out: Options = {};
  for (const f of flags) out[f.name] = { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) };
  return out;
}

const GLOBAL_OPTIONS = optionsOf([...GLOBAL_FLAGS, ...SETTING_FLAGS]);
const SETTING_NAMES = new Set(SETTING_FLAGS.map((f) => f.name));
const URL_FLAGS = new Set(['nats-servers', 'docker-host', 'brain-url', 'execution-url']);

/** The names of the flags written in argv (before a `--`), without dashes or values. */
function writtenFlags(argv: string[]): string[] {
  const names: string[] = [];
  for (const a of argv) {
    if (a === '--') break;
    if (a.startsWith('--')) names.push((a.slice(2).split('=')[0] as string).toLowerCase());
  }
  return names;
}

/** A secret as a flag is readable by every user in /proc/PID/cmdline and lands in shell history. */
function refuseSecretFlags(argv: string[]): void {
  for (const name of writtenFlags(argv)) {
    const s = SECRET_FLAGS.get(name);
    if (!s) continue;
    let command: CommandSpec | undefined;
    try {
      command = findCommand(argv);
    } catch {
      // the refusal is the first problem to report
    }
    throw new UsageError(
      `--${name} is refused: a secret on the command line is visible to every user (ps, /proc/PID/cmdline) and kept in shell history; set ${s.env} in the environment, or put it in a file and pass --${s.fileFlag} FILE (or ${s.fileEnv})`,
      command,
    );
  }
}

/** The command word: the first positional, skipping flags and their values. */
function findCommand(argv: string[]): CommandSpec {
  const all: Options = { ...GLOBAL_OPTIONS };
  for (const c of COMMANDS) Object.assign(all, optionsOf(c.flags));
  const { tokens } = parseArgs({ args: argv, options: all, strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((t) => t.kind === 'positional');
  const name = first?.kind === 'positional' ? first.value : '';
  const spec = commandSpec(name);
  if (!spec || name === '') {
    if (name === '') return commandSpec('') as CommandSpec;
    throw new UsageError(`unknown command '${printableArg(name)}'`);
  }
  return spec;
}

const printableArg = (s: string): string => JSON.stringify(s).slice(1, -1).slice(0, 80);

/** Node's parseArgs messages are long and suggest `--`: say what is wrong in the operator's words. */
function usageMessage(e: unknown, command: CommandSpec): string {
  const code = (e as { code?: string }).code;
  const msg = String((e as Error).message);
  const opt = /'(-{1,2}[^'\s=]+)/.exec(msg)?.[1] ?? '';
  const where = command.name ? `'${command.name}'` : 'the cockpit';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${printableArg(opt)} for ${where}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(msg)) return `option ${opt} takes no value`;
    return `option ${opt} needs a value (to give one that starts with a dash, write ${opt}=VALUE)`;
  }
  return msg.split('\n')[0] as string;
}

export function parseCommandLine(argv: string[]): ParsedCommand {
  refuseSecretFlags(argv);
  const command = findCommand(argv);
  const options: Options = { ...GLOBAL_OPTIONS, ...optionsOf(command.flags) };
  let parsed: { values: Record<string, unknown>; positionals: string[]; tokens: Array<{ kind: string; name?: string }> };
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true, tokens: true }) as typeof parsed;
  } catch (e) {
    throw new UsageError(usageMessage(e, command), command);
  }
  // A flag given twice is ambiguous (which --confirm counts?) unless it is meant to repeat.
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || !t.name) continue;
    const repeatable = command.flags.find((f) => f.name === t.name)?.multiple === true;
    if (seen.has(t.name) && !repeatable) throw new UsageError(`option --${t.name} is given more than once`, command);
    seen.add(t.name);
  }
  const positionals = [...parsed.positionals];
  if (command.name) positionals.shift();
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help !== true && values.version !== true) {
    const required = command.args.filter((a) => a.required);
    if (positionals.length < required.length) {
      throw new UsageError(`missing <${required[positionals.length]?.name}>`, command);
    }
    if (positionals.length > command.args.length) {
      throw new UsageError(`unexpected argument '${printableArg(positionals[command.args.length] as string)}'`, command);
    }
  }
  const settings: Record<string, string | boolean> = {};
  const own: ParsedCommand['values'] = {};
  for (const [k, v] of Object.entries(values)) {
    if (command.flags.some((f) => f.name === k)) own[k] = v;
    else if (SETTING_NAMES.has(k) && (typeof v === 'string' || typeof v === 'boolean')) settings[k] = v;
  }
  for (const k of URL_FLAGS) {
    const v = settings[k];
    if (typeof v === 'string' && redactUrl(v) !== v)
      throw new UsageError(
        `--${k} is refused: it holds credentials, visible to every user on the command line; put them in the environment (TITAN_TUI_*) or the config file`,
        command,
      );
  }
  return {
    command,
    positionals,
    values: own,
    settings,
    configFile: typeof values.config === 'string' ? values.config : undefined,
    context: typeof values.context === 'string' ? values.context : undefined,
    help: values.help === true,
    version: values.version === true,
  };
}
