/**
 * The README's key and action tables against the one action table (src/commands/action-commands.ts)
 * and the keymap: every action has its key in the Keys table and its row in the Actions table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_COMMANDS } from '../../src/commands/action-commands.js';
import { ACTION_IDS } from '../../src/actions/types.js';
import { DEFAULT_BINDINGS } from '../../src/keymap/keymap.js';
import { PROJECT_ROOT } from '../helpers/docker.js';

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const section = (title: string) => {
  const start = readme.indexOf(`## ${title}`);
  return readme.slice(start, readme.indexOf('\n## ', start + 3));
};

describe('README tables', () => {
  it('every action is declared exactly once', () => {
    expect(ACTION_COMMANDS.map((c) => c.action).sort()).toEqual([...ACTION_IDS].sort());
  });

  it('the Keys table shows every action key, as the keymap binds it', () => {
    const keys = section('Keys');
    for (const c of ACTION_COMMANDS) {
      expect(keys, `${c.action} key`).toContain(`\`${c.key}\``);
      expect(DEFAULT_BINDINGS.find((b) => b.id === c.command)?.keys).toEqual([c.key]);
    }
  });

  it('the Actions table has a row for every action with what counts as its evidence', () => {
    const actions = section('Actions (TUI and command line)');
    for (const c of ACTION_COMMANDS) expect(actions, c.action).toMatch(new RegExp(`^\\| ${c.action} \\|`, 'm'));
  });
});
