import type { Config } from './schema.js';
import { SECRET_PATHS } from './schema.js';

export const MASK = '******';

/** A deep copy of the config with every secret replaced by a mask (or left undefined when unset). */
export function maskConfig(config: Config): Config {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const path of SECRET_PATHS) {
    const keys = path.split('.');
    let cur: Record<string, unknown> | undefined = copy;
    for (const k of keys.slice(0, -1)) cur = cur?.[k] as Record<string, unknown> | undefined;
    const last = keys[keys.length - 1] as string;
    if (cur && cur[last] !== undefined) cur[last] = MASK;
  }
  return copy as unknown as Config;
}

/** Removes credentials from a URL (nats://user:pass@host → nats://host). */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/** Replaces every known secret value in a text (for error messages that quote server output). */
export function redactSecrets(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join(MASK);
  return out;
}
