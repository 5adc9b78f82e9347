/** The command line's one table: strict parsing per command, and the README's copy of its usage. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIRM_WORDS } from '../../src/actions/words.js';
import { parseCommandLine, UsageError } from '../../src/cli/args.js';
import { COMMANDS } from '../../src/cli/spec.js';
import { helpText, readmeTable } from '../../src/cli/usage.js';
import { PROJECT_ROOT } from '../helpers/docker.js';

const usageError = (argv: string[]): UsageError => {
  try {
    parseCommandLine(argv);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
};

const ACTION_COMMANDS = COMMANDS.filter((c) => c.action);

describe('the command table', () => {
  it("the README's command table is exactly the generated one", () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const m = /<!-- cli-table:begin[^\n]*-->\n([\s\S]*?)\n<!-- cli-table:end -->/.exec(readme);
    expect(m, 'README.md lacks the cli-table markers').not.toBeNull();
    expect(m?.[1], 'regenerate the README table from src/cli/usage.ts readmeTable()').toBe(readmeTable());
  });

  it('confirmation words come from the actions, and the usage shows the real ones', () => {
    for (const [id, word] of Object.entries(CONFIRM_WORDS)) {
      const c = COMMANDS.find((x) => x.action === id);
      expect(c?.confirm).toBe(word);
      expect(helpText()).toContain(`titan-tui ${id}`);
    }
    expect(helpText()).toContain('titan-tui clear-halt-file [--confirm CLEAR]');
    expect(helpText()).not.toContain('clear-halt-file [--confirm RESUME]');
  });
});

describe('strict parsing', () => {
  it('a typo of a flag on every action command is a usage error, never a default', () => {
    for (const c of ACTION_COMMANDS) {
      const argv = [c.name, ...(c.args.some((a) => a.required) ? ['execution'] : []), '--sfot', '--confirm', c.confirm ?? 'X'];
      const e = usageError(argv);
      expect(e.message).toBe(`unknown option --sfot for '${c.name}'`);
      expect(e.command?.name).toBe(c.name);
    }
    expect(usageError(['status', '--bogus-flag']).message).toMatch(/unknown option --bogus-flag for 'status'/);
  });

  it('missing values, repeated flags, missing and extra arguments, unknown commands', () => {
    expect(usageError(['halt', '--reason']).message).toMatch(/--reason needs a value/);
    expect(usageError(['halt', '--reason', '--soft']).message).toMatch(/--reason needs a value/);
    expect(usageError(['halt', '--soft=yes']).message).toMatch(/--soft takes no value/);
    expect(usageError(['halt', '--confirm', 'HALT', '--confirm', 'HALT']).message).toMatch(/--confirm is given more than once/);
    expect(usageError(['restart']).message).toBe('missing <service>');
    expect(usageError(['kill', 'now']).message).toBe("unexpected argument 'now'");
    expect(usageError(['status', '--read-only', 'false']).message).toBe("unexpected argument 'false'");
    expect(usageError(['frobnicate']).message).toBe("unknown command 'frobnicate'");
  });

  it('accepts what the table declares, with settings flags anywhere', () => {
    const p = parseCommandLine([
      '--config',
      '/x/c.json',
      'halt',
      '--soft',
      '--reason=drill',
      '--confirm',
      'HALT',
      '--nats-servers',
      'nats://h:1',
    ]);
    expect(p.command.name).toBe('halt');
    expect(p.values).toEqual({ soft: true, reason: 'drill', confirm: 'HALT' });
    expect(p.settings).toEqual({ 'nats-servers': 'nats://h:1' });
    expect(p.configFile).toBe('/x/c.json');
    expect(parseCommandLine(['run', 'db-rollback', '--confirm', 'A', '--confirm=B,C']).values.confirm).toEqual(['A', 'B,C']);
    expect(parseCommandLine(['restart', 'brain']).positionals).toEqual(['brain']);
    expect(parseCommandLine([]).command.name).toBe('');
  });

  it('refuses secrets as flags, and URLs with credentials, and never echoes them', () => {
    for (const flag of ['nats-pass', 'nats-token', 'brain-hmac-secret', 'brain-jwt', 'brain-jwt-secret']) {
      const e = usageError(['status', `--${flag}`, 'TOPSECRET-value']);
      expect(e.message).toContain(`--${flag} is refused`);
      expect(e.message).toContain(`--${flag}-file FILE`);
      expect(e.message).not.toContain('TOPSECRET');
      expect(usageError(['status', `--${flag}=TOPSECRET-value`]).message).not.toContain('TOPSECRET');
    }
    expect(usageError(['status', '--nats-pass', 'x']).message).toContain('NATS_PASS');
    const u = usageError(['status', '--brain-url', 'http://admin:TOPSECRET@b:1']);
    expect(u.message).toMatch(/--brain-url is refused/);
    expect(u.message).not.toContain('TOPSECRET');
    expect(parseCommandLine(['status', '--nats-pass-file', '/run/secrets/nats']).settings).toEqual({
      'nats-pass-file': '/run/secrets/nats',
    });
    expect(parseCommandLine(['status', '--docker-host', 'ssh://deploy@vps']).settings).toEqual({ 'docker-host': 'ssh://deploy@vps' });
  });
});
