import { ConfigError, type LoadedConfig, loadConfig } from '../config/load.js';
import { parseArgs } from './args.js';
import { configCommand } from './config-command.js';

export const USAGE = `titan-tui — terminal cockpit for the Titan trading system

Usage:
  titan-tui                      open the cockpit
  titan-tui demo                 open the cockpit on a built-in simulated Titan
  titan-tui config [--json]      print the effective config (secrets masked) and its files
  titan-tui status [--json]      print containers, halt, breaker and health once
  titan-tui doctor [--json]      check every emergency-stop path; exit 1 if none works
  titan-tui halt [--soft] [--reason R] [--confirm HALT]
  titan-tui resume [--reason R] [--confirm RESUME]
  titan-tui flatten [--confirm FLATTEN]
  titan-tui stop-all [--confirm HALT]       emergency full stop: halt file + NATS halt
  titan-tui kill [--confirm KILL]           stop execution, then brain
  titan-tui restart <service> [--confirm <container name>]
  titan-tui clear-halt-file [--confirm RESUME]
  titan-tui breaker-reset [--confirm RESET]
  titan-tui recover [--confirm RESUME]
  titan-tui run <procedure> [args] [--dry-run] [--confirm WORD ...] [--backup FILE] [--json]
                                 crash-recovery <service>, code-rollback, db-rollback,
                                 secret-rotation, db-credential-rotation (docs/procedures.md)

Options:
  --config FILE       config file (default: $XDG_CONFIG_HOME/titan-tui/config.json)
  --profile NAME      titan (current code) or runbook (the runbook's literal values)
  --read-only         register no action at all
  --json              machine-readable output
  Every setting is also a flag (--nats-servers, --brain-url, ...) and an environment
  variable (TITAN_TUI_NATS_SERVERS, ...); see README.md.

Exit codes: 0 verified, 3 sent but not confirmed, 1 failed, 2 usage or config error.`;

type Handler = (loaded: LoadedConfig, args: ReturnType<typeof parseArgs>) => Promise<number>;

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`titan-tui: ${s}\n`);

const COMMANDS: Record<string, Handler> = {
  config: async (loaded, args) => {
    out(configCommand(loaded, args.flags.json === true));
    return 0;
  },
  // Literal imports, loaded only when used (and followable by the bundler).
  cockpit: async (loaded) => (await import('./cockpit-command.js')).cockpitCommand(loaded),
  demo: async (loaded) => (await import('./demo-command.js')).demoCommand(loaded),
};

const ACTION_COMMANDS = new Set([
  'status',
  'doctor',
  'halt',
  'resume',
  'flatten',
  'stop-all',
  'kill',
  'restart',
  'clear-halt-file',
  'breaker-reset',
  'recover',
]);

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.flags.help) {
    out(USAGE);
    return 0;
  }
  if (args.flags.version) {
    out('titan-tui 0.1.0');
    return 0;
  }
  const command = args.command ?? 'cockpit';
  let loaded: LoadedConfig;
  try {
    const { config: configFile, ...flags } = args.flags;
    loaded = loadConfig({ flags, configFile: typeof configFile === 'string' ? configFile : undefined });
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return 2;
    }
    err(`could not load the configuration: ${(e as Error).message}`);
    return 2;
  }
  try {
    // `run` takes the raw argv: --confirm may repeat, once per destructive step.
    if (command === 'run') return await (await import('./run-command.js')).runCommand(loaded, argv);
    const handler = COMMANDS[command];
    if (handler) return await handler(loaded, args);
    if (ACTION_COMMANDS.has(command)) {
      const { actionCommand } = await import('./action-command.js');
      return await actionCommand(loaded, command, args);
    }
    err(`unknown command '${command}'\n\n${USAGE}`);
    return 2;
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return 2;
    }
    // Last resort: a readable line, never a stack trace (set TITAN_TUI_DEBUG=1 for one).
    err(`unexpected error: ${(e as Error).message ?? String(e)}`);
    if (process.env.TITAN_TUI_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}
