/**
 * The one typed confirmation, as a pure reducer: the action prompts and the procedures' prompts
 * both use it, so a word is typed, pasted, corrected and refused the same way everywhere.
 */
import { isText, type KeyPress } from './keys.js';

export interface TypedWord {
  word: string;
  input: string;
  error?: string;
}

export type WordStep = { kind: 'typing'; state: TypedWord } | { kind: 'confirmed' } | { kind: 'cancelled' };

/** Longest input kept: a confirmation is a word, not a document. */
const MAX_INPUT = 200;

export function typeWord(s: TypedWord, k: KeyPress): WordStep {
  if (k.name === 'escape') return { kind: 'cancelled' };
  if (k.name === 'backspace' || k.name === 'delete')
    return { kind: 'typing', state: { ...s, input: s.input.slice(0, -1), error: undefined } };
  if (k.name === 'enter') {
    if (s.input === s.word) return { kind: 'confirmed' };
    // Enter on an empty or a wrong value never confirms; the wrong value is cleared.
    return {
      kind: 'typing',
      state: { ...s, input: '', error: s.input ? `Value must be exactly ${s.word}` : `Type ${s.word} to confirm, or Esc to cancel` },
    };
  }
  if (isText(k.input) && s.input.length < MAX_INPUT) return { kind: 'typing', state: { ...s, input: s.input + k.input, error: undefined } };
  return { kind: 'typing', state: s };
}

/** Free text (a reason): Enter ends it, Esc cancels, control keys are ignored. */
export function typeText(
  text: string,
  k: KeyPress,
  max = MAX_INPUT,
): { kind: 'typing'; text: string } | { kind: 'done'; text: string } | { kind: 'cancelled' } {
  if (k.name === 'escape') return { kind: 'cancelled' };
  if (k.name === 'enter') return { kind: 'done', text: text.trim() };
  if (k.name === 'backspace' || k.name === 'delete') return { kind: 'typing', text: text.slice(0, -1) };
  if (isText(k.input) && text.length + k.input.length <= max) return { kind: 'typing', text: text + k.input };
  return { kind: 'typing', text };
}
