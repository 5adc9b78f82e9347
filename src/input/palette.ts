/**
 * The `:` palette as pure functions: which commands match what is typed, and what Tab completes.
 * Tab never throws away what was typed: it completes the command name, or the argument being
 * typed, and when several fit it completes their common part and lists them instead of picking one.
 */
export interface PaletteEntry {
  /** What is typed: `halt`, `since 5m`, `restart`. */
  name: string;
  label: string;
}

export interface Completion {
  input: string;
  /** Shown under the input when more than one thing fits (empty when Tab decided). */
  candidates: string[];
}

function commonPrefix(words: string[]): string {
  let p = words[0] ?? '';
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** The entry the input names with an argument after it ("restart titan-b" → restart), longest first. */
export function entryWithArgs<E extends PaletteEntry>(entries: readonly E[], input: string): E | undefined {
  return [...entries].sort((a, b) => b.name.length - a.name.length).find((e) => input.startsWith(`${e.name} `));
}

/** The entry the input names exactly, with or without arguments. */
export function exactEntry<E extends PaletteEntry>(entries: readonly E[], input: string): E | undefined {
  const text = input.trim();
  return entries.find((e) => e.name === text) ?? entryWithArgs(entries, text);
}

/** What the palette lists for the input: the commands it could still become, or the one it names. */
export function paletteMatches<E extends PaletteEntry>(entries: readonly E[], input: string): E[] {
  const named = entryWithArgs(entries, input);
  if (named) return [named];
  return entries.filter((e) => e.name.startsWith(input.trimStart()));
}

/** Tab: complete the command name, or the current argument from `argsOf` (container names, `soft`). */
export function complete<E extends PaletteEntry>(entries: readonly E[], input: string, argsOf: (e: E) => string[]): Completion {
  const named = entryWithArgs(entries, input);
  if (named) {
    const before = input.slice(0, input.lastIndexOf(' ') + 1);
    const typed = input.slice(before.length);
    const fits = argsOf(named).filter((a) => a.startsWith(typed));
    if (fits.length === 1) return { input: `${before}${fits[0]}`, candidates: [] };
    if (fits.length > 1) return { input: `${before}${commonPrefix(fits)}`, candidates: fits };
    return { input, candidates: [] };
  }
  const fits = entries.filter((e) => e.name.startsWith(input)).map((e) => e.name);
  if (fits.length === 1) return { input: `${fits[0]} `, candidates: [] };
  if (fits.length > 1) return { input: commonPrefix(fits), candidates: fits };
  return { input, candidates: [] };
}
