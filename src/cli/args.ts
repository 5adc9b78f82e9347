/** Minimal, predictable argv parsing: `cmd [positionals] [--flag value | --flag=value | --bool]`. */
export interface ParsedArgs {
  command: string | null;
  positionals: string[];
  flags: Record<string, string | boolean>;
}

/** Flags that never take a value. Everything else takes the next argument unless written --x=v. */
const BOOLEAN_FLAGS = new Set(['read-only', 'json', 'help', 'version', 'dry-run', 'soft', 'no-color', 'yes-i-am-sure']);

export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        flags[a.slice(2, eq)] = a.slice(eq + 1);
        continue;
      }
      const name = a.slice(2);
      const next = argv[i + 1];
      if (BOOLEAN_FLAGS.has(name) || next === undefined || next.startsWith('--')) flags[name] = true;
      else {
        flags[name] = next;
        i++;
      }
      continue;
    }
    if (a === '-h') flags.help = true;
    else positionals.push(a);
  }
  const command = positionals.shift() ?? null;
  return { command, positionals, flags };
}
