import { PROFILES } from './profiles.js';
import type { Contract, PayloadTemplate, ProfileName } from './types.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep-merges config overrides into a profile. Arrays and payload templates are replaced whole,
 *  so an override of a payload says exactly what goes on the wire. */
export function mergeContract(base: Contract, overrides: unknown): Contract {
  const merge = (b: unknown, o: unknown, path: string[]): unknown => {
    if (o === undefined) return b;
    const last = path[path.length - 1];
    if (last === 'payload' || Array.isArray(o) || !isPlainObject(o) || !isPlainObject(b)) return o;
    const out: Record<string, unknown> = { ...b };
    for (const [k, v] of Object.entries(o)) out[k] = merge(b[k], v, [...path, k]);
    return out;
  };
  return merge(base, overrides, []) as Contract;
}

export function resolveContract(profile: ProfileName, overrides?: unknown): Contract {
  const base = PROFILES[profile];
  // Always a copy: the merge shares the entries it does not override, and a profile must never change.
  return overrides ? mergeContract(structuredClone(base), overrides) : structuredClone(base);
}

export interface PayloadVars {
  reason: string;
  operator: string;
  id: string;
  source?: string;
  now?: number;
}

/** Fills a payload template. Only string leaves are substituted; nothing is evaluated. */
export function buildPayload(template: PayloadTemplate, vars: PayloadVars): Record<string, unknown> {
  const now = vars.now ?? Date.now();
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (v === '{ts}') return now;
      if (v === '{tsIso}') return new Date(now).toISOString();
      return v
        .replaceAll('{reason}', vars.reason)
        .replaceAll('{operator}', vars.operator)
        .replaceAll('{id}', vars.id)
        .replaceAll('{source}', vars.source ?? 'titan-tui');
    }
    if (Array.isArray(v)) return v.map(fill);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return fill(template) as Record<string, unknown>;
}
