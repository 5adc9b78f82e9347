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

/** Characters a burst may hold besides printable text: Enter, Tab, Backspace. */
const BURST = /^[^\x00-\x07\x0b\x0c\x0e-\x1f\x1b]+$/u;

/**
 * A paste, a fast typist, or keys batched over SSH arrive as one chunk (":rest\t", "HALT\r"). Ink
 * hands such a chunk over whole; here it becomes the keys it holds, in order, so every mode sees
 * exactly what a slow typist would have sent. Escape sequences are Ink's (it parses them first).
 */
export function splitBurst(input: string, key: InkKey): KeyPress[] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta || !BURST.test(input)) return [press(input, key)];
  return chars.map((ch) => {
    if (ch === '\r' || ch === '\n') return press('', { return: true });
    if (ch === '\t') return press('', { tab: true });
    if (ch === '\x7f' || ch === '\b') return press('', { backspace: true });
    return press(ch, { shift: ch !== ch.toLowerCase() });
  });
}

/** A key that types itself into a text field (no control characters). */
export const isText = (input: string): boolean => input.length > 0 && !/[\x00-\x1f\x7f]/.test(input);
