/**
 * Keys as the input router sees them: Ink's (input, key) pair, a burst split into single keys, and
 * the canonical key name the keymap uses.
 */
import { keyName } from '../keymap/keymap.js';

export type InkKey = Parameters<typeof keyName>[1];

export interface KeyPress {
  input: string;
  key: InkKey;
  /** Canonical name: 'enter', 'tab', 'ctrl+l', 'H', '!'… */
  name: string;
}

const press = (input: string, key: InkKey): KeyPress => ({ input, key, name: keyName(input, key) });

/** A burst holds no escape: Ink cuts escape sequences (arrows, Esc) out of a chunk into keys of their own. */
const BURST = /^[^\x1b]+$/u;

/**
 * A paste, a fast typist, or keys batched over SSH arrive as one chunk (":rest\t", "HALT\r", and on
 * a busy machine "HAL" with the ctrl+x typed right after it: "HAL\x18"). Ink hands such a chunk over
 * whole; here it becomes the keys it holds, in order, so every mode sees exactly what a slow typist
 * would have sent, and a control chord in it (a configured stop key) is that chord, not lost text.
 */
export function splitBurst(input: string, key: InkKey): KeyPress[] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta || !BURST.test(input)) return [press(input, key)];
  return chars.map((ch) => {
    if (ch === '\r' || ch === '\n') return press('', { return: true });
    if (ch === '\t') return press('', { tab: true });
    if (ch === '\x7f' || ch === '\b') return press('', { backspace: true });
    const c = ch.charCodeAt(0);
    // Ctrl+A … Ctrl+Z, as Ink reports one alone: the letter, with ctrl.
    if (c >= 0x01 && c <= 0x1a) return press(String.fromCharCode(c + 0x60), { ctrl: true });
    return press(ch, { shift: ch !== ch.toLowerCase() });
  });
}

/** A key that types itself into a text field (no control characters). */
export const isText = (input: string): boolean => input.length > 0 && !/[\x00-\x1f\x7f]/.test(input);
