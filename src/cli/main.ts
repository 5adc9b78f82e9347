import { ConfigError, type LoadedConfig, loadConfig } from '../config/load.js';
import { type ParsedCommand, parseCommandLine, UsageError } from './args.js';
import { brokenConfigReport, configCommand } from './config-command.js';
import { writer } from './output.js';
import { commandUsage, helpText } from './usage.js';

/** The usage text, generated from the command table (spec.ts). */
export const USAGE = helpText();

type Handler = (loaded: LoadedConfig, cmd: ParsedCommand, argv: string[]) => Promise<number>;

const w = writer();

const HANDLERS: Record<string, Handler> = {
  config: async (loaded, cmd) => {
    const json = cmd.values.json === true;
    const text = configCommand(loaded, json);
    // JSON is already safe text (jsonText); a line-by-line pass could cut a long line.
    if (json) process.stdout.write(`${text}\n`);
    else w.out(text);
    return 0;
  },
  contexts: async (loaded, cmd) => {
    const { contextsCommand } = await import('./contexts-command.js');
    const json = cmd.values.json === true;
    const text = contextsCommand(loaded, json);
    if (json) process.stdout.write(`${text}\n`);
    else w.out(text);
    return 0;
  },
  // Literal imports, loaded only when used (and followable by the bundler).
  // The cockpit's services start first; its screen's code loads while their answers come in.
  '': async (loaded) => {
    const rt = (await import('./cockpit-runtime.js')).startCockpitRuntime(loaded);
    const ui = await import('./screen-libs.js')
      .then(() => import('./cockpit-command.js'))
      .catch(async (e: unknown) => {
        await rt.stop();
        throw e;
      });
    return ui.cockpitCommand(rt);
  },
  demo: async (loaded) => (await import('./demo-command.js')).demoCommand(loaded),
  // `run` re-reads argv: --confirm may repeat, once per destructive step.
  run: async (loaded, _cmd, argv) => (await import('./run-command.js')).runCommand(loaded, argv),
};

export async function main(argv: string[]): Promise<number> {
  let cmd: ParsedCommand;
  try {
    cmd = parseCommandLine(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    w.problem(e.message);
    w.err(e.command ? commandUsage(e.command) : 'titan-tui --help lists the commands');
    return 2;
  }
  if (cmd.help) {
    w.out(cmd.command.name ? commandUsage(cmd.command) : USAGE);
    return 0;
  }
  if (cmd.version) {
    w.out('titan-tui 0.1.0');
    return 0;
  }
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ flags: cmd.settings, configFile: cmd.configFile, context: cmd.context });
  } catch (e) {
    if (e instanceof ConfigError) {
      // `titan-tui config` is where an operator looks when the configuration is broken: show the file.
      const report = cmd.command.name === 'config' ? brokenConfigReport(e) : null;
      if (report) w.out(report);
      w.problem(e.message);
      return 2;
    }
    w.problem(`could not load the configuration: ${(e as Error).message}`);
    return 2;
  }
  try {
    const handler = HANDLERS[cmd.command.name];
    if (handler) return await handler(loaded, cmd, argv);
    const { actionCommand } = await import('./action-command.js');
    return await actionCommand(loaded, cmd);
  } catch (e) {
    if (e instanceof ConfigError) {
      w.problem(e.message);
      return 2;
    }
    // Last resort: a readable line, never a stack trace (set TITAN_TUI_DEBUG=1 for one).
    w.problem(`unexpected error: ${(e as Error).message ?? String(e)}`);
    if (process.env.TITAN_TUI_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}
