import { MASK, redactUrl } from '../services/redact.js';
import type { Config } from './schema.js';
import { SECRET_PATHS } from './schema.js';
import { URL_PATHS } from './settings.js';

export { MASK };

type Obj = Record<string, unknown>;

function parentOf(root: Obj, path: string): [Obj | undefined, string] {
  const keys = path.split('.');
  let cur: Obj | undefined = root;
  for (const k of keys.slice(0, -1)) cur = cur?.[k] as Obj | undefined;
  return [cur, keys[keys.length - 1] as string];
}

/**
 * A deep copy of the config for display: every secret replaced by a mask (left undefined when
 * unset), and the credentials inside every configured URL masked (brain/execution/docker/NATS).
 */
export function maskConfig(config: Config): Config {
  const copy = structuredClone(config) as unknown as Obj;
  for (const path of SECRET_PATHS) {
    const [cur, last] = parentOf(copy, path);
    if (cur && cur[last] !== undefined) cur[last] = MASK;
  }
  for (const path of URL_PATHS) {
    const [cur, last] = parentOf(copy, path);
    const v = cur?.[last];
    if (cur && typeof v === 'string') cur[last] = redactUrl(v);
    if (cur && Array.isArray(v)) cur[last] = v.map((u) => (typeof u === 'string' ? redactUrl(u) : u));
  }
  return copy as unknown as Config;
}
