/**
 * Whether Ink's sanitizeAnsi (ink/build/sanitize-ansi.js) gives a text back unchanged: the bundle
 * returns such a text at once (scripts/bundle.mjs), where Ink tokenizes every text holding an escape
 * character by character, at each layout and each frame. Ink drops control characters other than
 * tab and newline, rewrites or drops escapes other than colour codes with digit parameters, and
 * moves combining marks that follow a colour code before it; a text with none of these comes out as
 * it went in (test/unit/sanitize-keeps.test.ts checks it against Ink's own code).
 */
import { sgrLengthAt } from './sgr.js';

const MARK = /^\p{Mark}/u;

export function sanitizeKeeps(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x1b) {
      const length = sgrLengthAt(text, i);
      if (length === 0) return false;
      i += length - 1;
      // Marks start at U+0300.
      const next = text.charCodeAt(i + 1);
      if (next >= 0x300 && MARK.test(text.slice(i + 1, i + 3))) return false;
    } else if ((c < 0x20 && c !== 0x0a && c !== 0x09) || (c >= 0x7f && c < 0xa0)) {
      return false;
    }
  }
  return true;
}
