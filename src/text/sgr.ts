/**
 * The length of the colour code (SGR: ESC [ digits and semicolons m) that starts at `i`, or 0 when
 * none does: the codes the screen buffer and the line update read themselves (src/ui/), as Ink's
 * /\u{1B}\[[\d;]*m/u matches them.
 */
export function sgrLengthAt(s: string, i: number): number {
  if (s.charCodeAt(i) !== 0x1b || s.charCodeAt(i + 1) !== 0x5b) return 0;
  let j = i + 2;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (!((c >= 0x30 && c <= 0x39) || c === 0x3b)) break;
  }
  return s.charCodeAt(j) === 0x6d ? j + 1 - i : 0;
}
