/** The input router's pure parts: bursts split into keys, the one typed confirmation, palette completion. */
import { describe, expect, it } from 'vitest';
import { splitBurst } from '../../src/input/keys.js';
import { complete, exactEntry, paletteMatches } from '../../src/input/palette.js';
import { typeText, typeWord } from '../../src/input/typed-word.js';

const names = (input: string) => splitBurst(input, {}).map((k) => k.name);

describe('splitBurst', () => {
  it('a paste or an SSH batch becomes the keys it holds, in order', () => {
    expect(names('HALT\r')).toEqual(['H', 'A', 'L', 'T', 'enter']);
    expect(names(':rest\t')).toEqual([':', 'r', 'e', 's', 't', 'tab']);
    expect(names('ab\x7fc')).toEqual(['a', 'b', 'backspace', 'c']);
    expect(names('été')).toEqual(['é', 't', 'é']);
  });
  it('a control chord batched with text is that chord: a configured stop key (ctrl+x) after a half-typed word', () => {
    // Seen in the tmux test on a loaded machine: "HAL" then ctrl+x read as one chunk lost both.
    expect(names('HAL\x18')).toEqual(['H', 'A', 'L', 'ctrl+x']);
    expect(names('\x0cab')).toEqual(['ctrl+l', 'a', 'b']);
    expect(names('a\x03')).toEqual(['a', 'ctrl+c']);
  });
  it('single keys, control chords and escape sequences are left as Ink parsed them', () => {
    expect(names('x')).toEqual(['x']);
    expect(splitBurst('l', { ctrl: true }).map((k) => k.name)).toEqual(['ctrl+l']);
    expect(splitBurst('', { upArrow: true }).map((k) => k.name)).toEqual(['up']);
    expect(names('\x1b[A')).toEqual(['\x1b[A']); // not split into ESC and text
  });
});

describe('typed confirmation', () => {
  const k = (input: string) => splitBurst(input, {})[0] as ReturnType<typeof splitBurst>[0];
  it('types, corrects, refuses a wrong or empty word, confirms the exact one, cancels on Esc', () => {
    let s = { word: 'HALT', input: '' };
    for (const ch of 'HALX') {
      const r = typeWord(s, k(ch));
      if (r.kind !== 'typing') throw new Error('expected typing');
      s = r.state;
    }
    const back = typeWord(s, { input: '', key: { backspace: true }, name: 'backspace' });
    expect(back.kind === 'typing' && back.state.input).toBe('HAL');
    const wrong = typeWord(s, { input: '', key: { return: true }, name: 'enter' });
    expect(wrong).toMatchObject({ kind: 'typing', state: { input: '', error: 'Value must be exactly HALT' } });
    const empty = typeWord({ word: 'HALT', input: '' }, { input: '', key: { return: true }, name: 'enter' });
    expect(empty).toMatchObject({ kind: 'typing', state: { error: 'Type HALT to confirm, or Esc to cancel' } });
    expect(typeWord({ word: 'HALT', input: 'HALT' }, { input: '', key: { return: true }, name: 'enter' })).toEqual({ kind: 'confirmed' });
    expect(typeWord({ word: 'HALT', input: 'HA' }, { input: '', key: { escape: true }, name: 'escape' })).toEqual({ kind: 'cancelled' });
  });
  it('free text ignores control characters and ends on Enter, trimmed', () => {
    expect(typeText('drill', { input: '\x07', key: {}, name: '\x07' })).toEqual({ kind: 'typing', text: 'drill' });
    expect(typeText(' drill ', { input: '', key: { return: true }, name: 'enter' })).toEqual({ kind: 'done', text: 'drill' });
  });
});

describe('palette completion', () => {
  const entries = ['halt', 'resume', 'restart', 'recover', 'redraw', 'since 1m', 'since 1h', 'since tail'].map((name) => ({
    name,
    label: name,
  }));
  const argsOf = (e: { name: string }) => (e.name === 'restart' ? ['titan-brain', 'titan-execution'] : e.name === 'halt' ? ['soft'] : []);
  it('completes a unique command name, and only the common part of several, listing them', () => {
    expect(complete(entries, 'hal', argsOf)).toEqual({ input: 'halt ', candidates: [] });
    expect(complete(entries, 're', argsOf)).toEqual({ input: 're', candidates: ['resume', 'restart', 'recover', 'redraw'] });
    expect(complete(entries, 'res', argsOf)).toEqual({ input: 'res', candidates: ['resume', 'restart'] });
    expect(complete(entries, 'since 1', argsOf)).toEqual({ input: 'since 1', candidates: ['since 1m', 'since 1h'] });
  });
  it('completes the argument being typed and never erases what was typed', () => {
    expect(complete(entries, 'restart titan-b', argsOf)).toEqual({ input: 'restart titan-brain', candidates: [] });
    expect(complete(entries, 'restart titan-', argsOf)).toEqual({
      input: 'restart titan-',
      candidates: ['titan-brain', 'titan-execution'],
    });
    expect(complete(entries, 'halt s', argsOf)).toEqual({ input: 'halt soft', candidates: [] });
    expect(complete(entries, 'halt zz', argsOf)).toEqual({ input: 'halt zz', candidates: [] });
  });
  it('names the command an input means, with or without arguments', () => {
    expect(exactEntry(entries, 'restart titan-brain')?.name).toBe('restart');
    expect(exactEntry(entries, 'since 1m')?.name).toBe('since 1m');
    expect(exactEntry(entries, 're')).toBeUndefined();
    expect(paletteMatches(entries, 'restart x').map((e) => e.name)).toEqual(['restart']);
  });
});
