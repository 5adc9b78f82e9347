import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import {
  actionKeys,
  buildKeymap,
  DEFAULT_BINDINGS,
  isDeliverableKey,
  keyName,
  keymapConfigProblem,
  resolveKey,
} from '../../src/keymap/keymap.js';

describe('keymap', () => {
  it('read-only mode registers no dangerous command at all', () => {
    const { bindings } = buildKeymap({}, true);
    expect(bindings.some((b) => b.dangerous)).toBe(false);
    expect(bindings.find((b) => b.id === 'action.stopAll')).toBeUndefined();
    expect(resolveKey(bindings, '!', 'other')).toBeUndefined();
    expect(resolveKey(bindings, 'H', 'other')).toBeUndefined();
  });

  it('no dangerous command sits on a control chord or an editing key by default', () => {
    for (const b of DEFAULT_BINDINGS.filter((x) => x.dangerous)) {
      for (const k of b.keys) expect(k).not.toMatch(/^(ctrl\+|escape|enter|backspace|delete|tab|space)/);
    }
  });

  it('user overrides are validated', () => {
    const ok = buildKeymap({ 'action.halt': 'X' }, false);
    expect(ok.problems).toEqual([]);
    expect(resolveKey(ok.bindings, 'X', 'other')?.id).toBe('action.halt');
    expect(buildKeymap({ 'action.halt': 'ctrl+k' }, false).problems[0]?.message).toMatch(/cannot trigger an action/);
    expect(buildKeymap({ 'nope.cmd': 'x' }, false).problems[0]?.message).toMatch(/unknown command/);
    expect(buildKeymap({ 'action.halt': 'q' }, false).problems[0]?.message).toMatch(/already bound/);
  });

  it('canonical key names', () => {
    expect(keyName('', { escape: true })).toBe('escape');
    expect(keyName('', { tab: true, shift: true })).toBe('shift+tab');
    expect(keyName('l', { ctrl: true })).toBe('ctrl+l');
    expect(keyName('H', { shift: true })).toBe('H');
  });
});

describe('emergency-stop invariants (refused at config load)', () => {
  const problem = (overrides: Record<string, string | string[]>) => buildKeymap(overrides, false).problems[0]?.message ?? null;

  it('`!` can only be added to, never removed from the emergency stop', () => {
    expect(problem({ 'action.stopAll': 'T' })).toMatch(/'!' must stay the emergency stop/);
    expect(problem({ 'action.stopAll': 'ctrl+x' })).toMatch(/'!' must stay/);
    expect(problem({ 'action.stopAll': [] })).toMatch(/'!' must stay/);
    const ok = buildKeymap({ 'action.stopAll': ['!', 'Ctrl+X'] }, false);
    expect(ok.problems).toEqual([]);
    expect(ok.bindings.find((b) => b.id === 'action.stopAll')?.keys).toEqual(['!', 'ctrl+x']);
    expect(buildKeymap({ 'action.stopAll': ['!', 'meta+s'] }, false).problems).toEqual([]);
  });

  it('the stop takes no printable key (prompts must type it) and no key the prompts use', () => {
    // T on the stop would swallow every T typed into the HALT prompt: HALT could never be typed.
    expect(problem({ 'action.stopAll': ['!', 'T'] })).toMatch(/'T' cannot open the emergency stop: it works inside prompts/);
    expect(problem({ 'action.stopAll': ['!', '#'] })).toMatch(/'#' cannot open/);
    for (const k of ['space', 'escape', 'enter', 'backspace', 'tab', 'up', 'pagedown'])
      expect(problem({ 'action.stopAll': ['!', k] }), k).toMatch(/prompts and the palette need it/);
  });

  it('no other command may take `!`, in any scope', () => {
    expect(problem({ 'action.halt': '!' })).toMatch(/'!' is the emergency stop/);
    expect(problem({ 'logs.follow': '!' })).toMatch(/'!' is the emergency stop/);
    expect(problem({ 'app.help': ['?', '!'] })).toMatch(/'!' is the emergency stop/);
  });

  it('keys the cockpit cannot read are refused: F1 (Ink reports no function key), ctrl+h/i/j/m, shift+x, words', () => {
    expect(problem({ 'action.stopAll': ['!', 'F1'] })).toMatch(/'f1' never reaches the cockpit/);
    expect(problem({ 'app.help': 'F1' })).toMatch(/'f1' never reaches the cockpit/);
    expect(problem({ 'action.stopAll': ['!', 'ctrl+h'] })).toMatch(/arrives as backspace/);
    expect(problem({ 'action.stopAll': ['!', 'ctrl+m'] })).toMatch(/arrives as enter/);
    expect(problem({ 'action.halt': 'shift+x' })).toMatch(/write the upper-case letter \('X'\)/);
    expect(problem({ 'action.halt': 'HALT' })).toMatch(/not a key the cockpit can read/);
    expect(problem({ 'action.halt': 'é' })).toMatch(/not a key the cockpit can read/);
    for (const b of DEFAULT_BINDINGS) for (const k of b.keys) expect(isDeliverableKey(k), `${b.id} ${k}`).toBe(true);
  });

  it('a scoped key may not shadow a global one (logs.follow on H would hide halt while the logs have focus)', () => {
    expect(problem({ 'logs.follow': 'H' })).toMatch(/key 'H' is already bound to action.halt/);
    expect(problem({ 'logs.follow': 'q' })).toMatch(/already bound to app.quit/);
    // Two different pane scopes may share a key.
    expect(problem({ 'nav.select': 'f' })).toBeNull();
  });

  it('the default keymap passes its own rules', () => {
    expect(buildKeymap({}, false).problems).toEqual([]);
    expect(keymapConfigProblem({})).toBeNull();
    expect(keymapConfigProblem({ 'action.stopAll': 'T' })).toMatch(/^keymap\.action\.stopAll: '!' must stay/);
  });

  it('read-only still knows the action keys (to answer them), the stop keys first', () => {
    const k = actionKeys({ 'action.stopAll': ['!', 'ctrl+x'], 'action.halt': 'X' });
    expect(k.stop).toEqual(['!', 'ctrl+x']);
    expect(k.actions.has('X')).toBe(true);
    expect(k.actions.has('H')).toBe(false);
    expect(k.palette.has('halt')).toBe(true);
    expect(actionKeys({ 'action.stopAll': 'T' }).stop).toEqual(['!']); // invalid overrides: the defaults
  });

  it('loadConfig refuses a breaking keymap from a file or the environment: one line naming the key and why, exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'titan-keymap-'));
    try {
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify({ keymap: { 'action.stopAll': 'T' } }));
      const fromFile = (() => {
        try {
          loadConfig({ configFile: file, env: {} });
        } catch (e) {
          return e;
        }
      })() as ConfigError;
      expect(fromFile).toBeInstanceOf(ConfigError);
      expect(fromFile.exitCode).toBe(2);
      expect(fromFile.message).toBe(
        `invalid setting from config file ${file}: keymap.action.stopAll: '!' must stay the emergency stop; keys can only be added (e.g. ["!", "ctrl+x"])`,
      );
      const empty = join(dir, 'empty.json');
      writeFileSync(empty, '{}');
      expect(() => loadConfig({ configFile: empty, env: { TITAN_TUI_KEYMAP: '{"action.stopAll":["!","F1"]}' } })).toThrow(
        /^invalid setting from environment variable TITAN_TUI_KEYMAP: keymap\.action\.stopAll: 'f1' never reaches the cockpit[^\n]*$/,
      );
      const ok = loadConfig({ configFile: empty, env: { TITAN_TUI_KEYMAP: '{"action.stopAll":["!","ctrl+x"]}' } });
      expect(ok.config.keymap).toEqual({ 'action.stopAll': ['!', 'ctrl+x'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
