/**
 * Which keys of an environment file changed. Only names ever leave this module: values are
 * secrets (exchange keys, database passwords) and must not reach the screen or the audit log.
 */

/** KEY → value of `KEY=VALUE` lines (also `export KEY=VALUE`); comments and other lines are ignored. Last one wins, like compose. */
export function parseEnvValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/.exec(raw);
    if (m) values.set(m[1] as string, (m[2] as string).trim());
  }
  return values;
}

export interface KeyChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

export function diffEnvKeys(before: string, after: string): KeyChanges {
  const a = parseEnvValues(before);
  const b = parseEnvValues(after);
  const added = [...b.keys()].filter((k) => !a.has(k)).sort();
  const removed = [...a.keys()].filter((k) => !b.has(k)).sort();
  const changed = [...b.keys()].filter((k) => a.has(k) && a.get(k) !== b.get(k)).sort();
  return { added, removed, changed };
}

export const changeCount = (c: KeyChanges): number => c.added.length + c.removed.length + c.changed.length;

/** One line per kind, names only. */
export function describeKeyChanges(c: KeyChanges): string[] {
  const lines: string[] = [];
  if (c.changed.length) lines.push(`changed: ${c.changed.join(', ')}`);
  if (c.added.length) lines.push(`added: ${c.added.join(', ')}`);
  if (c.removed.length) lines.push(`removed: ${c.removed.join(', ')}`);
  return lines.length ? lines : ['no key changed'];
}
