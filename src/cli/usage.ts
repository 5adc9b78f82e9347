/** `--help`, per-command usage and the README's command table, all generated from spec.ts. */
import { COMMANDS, type CommandSpec, type FlagSpec, GLOBAL_FLAGS } from './spec.js';

const flagText = (f: FlagSpec): string =>
  f.type === 'boolean' ? `[--${f.name}]` : `[--${f.name} ${f.value ?? 'VALUE'}${f.multiple ? ' ...' : ''}]`;

/** `titan-tui halt [--soft] [--reason R] [--confirm HALT] [--json]` */
export function synopsis(c: CommandSpec): string {
  const args = c.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  return ['titan-tui', c.name, ...args, ...c.flags.map(flagText)].filter(Boolean).join(' ');
}

export function commandUsage(c: CommandSpec): string {
  return `usage: ${synopsis(c)}\n  ${c.about}`;
}

export const EXIT_CODES = 'Exit codes: 0 verified, 3 sent but not confirmed, 1 failed, 2 usage or config error.';

export function helpText(): string {
  const lines = ['titan-tui — terminal cockpit for the Titan trading system', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${synopsis(c)}`, `      ${c.about}`);
  lines.push('', 'Options (every command):');
  for (const f of GLOBAL_FLAGS) {
    const name = `${f.short ? `-${f.short}, ` : ''}--${f.name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    lines.push(`  ${name.padEnd(18)} ${f.help}`);
  }
  lines.push(
    '  Every setting is also a flag (--nats-servers, --read-only, ...) and an environment variable',
    '  (TITAN_TUI_NATS_SERVERS, ...); see README.md. Secrets are never flags: use the environment',
    '  variable or a file flag (--nats-pass-file FILE, --brain-hmac-secret-file FILE, ...).',
    '',
    EXIT_CODES,
  );
  return lines.join('\n');
}

/** The README's command table (markdown), between its cli-table markers. */
export function readmeTable(): string {
  const rows = ['| command | what it does | typed confirmation |', '|---|---|---|'];
  for (const c of COMMANDS) rows.push(`| \`${synopsis(c)}\` | ${c.about} | ${c.confirm ? `\`${c.confirm}\`` : ''} |`);
  return rows.join('\n');
}
