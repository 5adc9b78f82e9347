/**
 * Whether a character takes one terminal cell without joining its neighbours, by the installed
 * string-width's own rules: the build's narrow set (scripts/narrow-chars.mjs) and the bundle's
 * screen buffer (src/ui/ink-output.ts) both ask this. Erasable TypeScript only: the build script
 * loads this file with Node's type stripping.
 */
import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter();

/** One cell wide alone and beside itself, and its own grapheme cluster between letters. */
export function isNarrowAlone(ch: string): boolean {
  if (stringWidth(ch) !== 1 || stringWidth(ch + ch) !== 2) return false;
  return [...segmenter.segment(`x${ch}${ch}x`)].length === 4;
}
