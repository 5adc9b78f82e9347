import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { changeCount, describeKeyChanges, diffEnvKeys } from '../env-keys.js';
import type { ConfirmSpec, RunCtx, Step } from '../types.js';

function readText(path: string): { ok: true; text: string } | { ok: false; error: string } {
  try {
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      error: code === 'ENOENT' ? `${path} does not exist (set procedures.envFile)` : `cannot read ${path}: ${(e as Error).message}`,
    };
  }
}

/**
 * Opens the environment file in the operator's editor, then reports which keys changed, by
 * name only. Nothing changed: the run stops there (there is nothing to apply).
 */
export function editEnvStep(confirm?: (ctx: RunCtx) => ConfirmSpec): Step {
  return {
    id: 'edit-env',
    label: 'edit the environment file',
    kind: 'prompt',
    destructive: false,
    confirm,
    // Editing takes as long as the operator needs.
    timeoutSec: 24 * 3600,
    plan: (ctx) => [`open ${ctx.settings.envFile} in $EDITOR, then show which keys changed (names only, never values)`],
    run: async (ctx, io) => {
      const path = ctx.settings.envFile;
      const before = readText(path);
      if (!before.ok) return { ok: false, summary: before.error };
      io.line(`opening ${path} in the editor…`);
      const edited = await io.hooks.editFile(path, io.signal);
      if (!edited.ok) return { ok: false, summary: edited.error };
      const after = readText(path);
      if (!after.ok) return { ok: false, summary: after.error };
      const changes = diffEnvKeys(before.text, after.text);
      const lines = describeKeyChanges(changes);
      for (const l of lines) io.line(l);
      if (changeCount(changes) === 0) {
        return { ok: false, cancelled: true, summary: `no key changed in ${basename(path)}: nothing to apply, nothing was restarted` };
      }
      ctx.vars.changedKeys = [...changes.changed, ...changes.added, ...changes.removed].join(', ');
      return { ok: true, summary: lines.join('; ') };
    },
  };
}
