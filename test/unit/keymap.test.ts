import { describe, expect, it } from 'vitest';
import { buildKeymap, DEFAULT_BINDINGS, keyName, resolveKey } from '../../src/keymap/keymap.js';

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
