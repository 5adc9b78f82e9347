/**
 * Contexts: several Titan deployments in one config file (production, staging, a second VPS).
 *
 * A context is a named block under `contexts` that overrides the top-level settings of one
 * deployment (profile, NATS, Docker, brain, execution, procedures, contract overrides) and says how
 * it looks (`color`) and whether it is `production`. The one in use is `--context NAME`, else
 * TITAN_TUI_CONTEXT, else the file's `context`; with none, the top-level settings alone are used
 * (no context). Every context is validated at load, whichever is used, with its key path.
 *
 * This module has no UI: the header, the prompts and the palette read what they show from here.
 */
import { z } from 'zod';

/** What the cockpit shows and records of a context. */
export interface ContextInfo {
  name: string;
  production: boolean;
  /** An ink colour name or #rrggbb. */
  color: string;
}

/** Where the context in use was named. */
export type ContextSource = 'flag:--context' | 'env:TITAN_TUI_CONTEXT' | 'file';

export const CONTEXT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

/** The settings a context may set (everything of one deployment); the rest is shared. */
export const CONTEXT_SETTING_KEYS = ['profile', 'readOnly', 'nats', 'docker', 'brain', 'execution', 'procedures', 'contract'] as const;
/** A context's own keys besides the settings. */
export const CONTEXT_META_KEYS = ['production', 'color'] as const;

export const CONTEXT_COLORS = ['red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'gray'] as const;

export const contextMetaSchema = z
  .object({
    production: z.boolean().default(false),
    color: z.union([z.enum(CONTEXT_COLORS), z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour name or #rrggbb')]).optional(),
  })
  .strict();

/** Production is red unless told otherwise; any other context cyan. */
export function contextInfo(name: string, meta: z.infer<typeof contextMetaSchema>): ContextInfo {
  return { name, production: meta.production, color: meta.color ?? (meta.production ? 'red' : 'cyan') };
}

/**
 * Variables of the ecosystem that usually point at whatever the shell worked with last (a laptop's
 * own Docker): ignored when a context is in use, so a context always reaches the deployment it names.
 */
export const CONVENTIONAL_VARIABLES = ['NATS_URL', 'NATS_USER', 'NATS_PASS', 'DOCKER_HOST'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` on top of `base`: objects merge key by key, anything else (arrays too) replaces. */
export function deepMerge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObj(v) && isObj(out[k]) ? deepMerge(out[k] as Obj, v) : v;
  return out;
}

/** Every leaf path a context sets (`nats.servers`, `contract`...), for provenance. */
export function leafPaths(obj: Obj, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (isObj(v) && k !== 'contract' && Object.keys(v).length > 0) out.push(...leafPaths(v, p));
    else out.push(p);
  }
  return out;
}

// ---- what the UI and the command line show ------------------------------------------------------

/** The header's badge: the name in its colour; production inverted and labelled. */
export function contextBadge(ctx: ContextInfo | null): { text: string; color: string; inverse: boolean } | null {
  if (!ctx) return null;
  return ctx.production
    ? { text: ` ${ctx.name} · PRODUCTION `, color: ctx.color, inverse: true }
    : { text: ` ${ctx.name} `, color: ctx.color, inverse: false };
}

/**
 * What every typed confirmation adds in a production context (the prompt names the context; the
 * word to type stays the same). null elsewhere.
 */
export function confirmContextNote(ctx: ContextInfo | null): string | null {
  return ctx?.production ? `PRODUCTION context ${ctx.name}` : null;
}

/** "Type HALT to confirm" with the production note when there is one. */
export function confirmAsk(word: string, ctx: ContextInfo | null): string {
  const note = confirmContextNote(ctx);
  return `Type ${word} to confirm${note ? ` in ${note}` : ''}`;
}

/** `:context`, `:context NAME` in the palette: null when the text is not this command. */
export function parseContextCommand(text: string): { name: string | null } | null {
  const m = /^\s*context(?:\s+(\S+))?\s*$/.exec(text);
  if (!m) return /^\s*context\s/.test(text) ? { name: text.trim().split(/\s+/).slice(1).join(' ') } : null;
  return { name: m[1] ?? null };
}

/** The palette's answer to `:context` alone: where we are and where we can go. */
export function contextListLine(current: ContextInfo | null, all: readonly ContextInfo[]): string {
  if (all.length === 0) return 'no contexts in the config file (README.md: Contexts)';
  const names = all.map((c) => `${c.name}${c.production ? ' (production)' : ''}`).join(', ');
  return `context ${current ? current.name : '(none: top-level settings)'}; :context NAME switches to one of: ${names}`;
}
