import { commandLine } from '../host-command.js';
import { waitHealthy } from '../../domain/containers.js';
import type { RunCtx, Step, StepIO, StepOutcome } from '../types.js';

/** How long a verify step waits for containers to come up healthy (prod healthchecks run every 30 s). */
export const verifyTimeoutMs = (ctx: RunCtx) => Math.min(ctx.settings.stepTimeoutSec, 180) * 1000;

/** Shown (not run) in plans when compose is not resolvable yet. */
export async function composeShown(ctx: RunCtx): Promise<string[]> {
  try {
    return await ctx.compose();
  } catch {
    return ['<docker compose | docker-compose>'];
  }
}

/** Container ids of a compose service (or of the whole project), from `compose ps -q`. */
export async function composeIds(
  ctx: RunCtx,
  io: StepIO,
  service?: string,
): Promise<{ ok: true; ids: string[] } | { ok: false; error: string }> {
  const prefix = await ctx.compose();
  const r = await io.capture({ argv: [...prefix, 'ps', '-q', ...(service ? [service] : [])], cwd: ctx.settings.deployDir });
  if (!r.ok) return r;
  return {
    ok: true,
    ids: r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  };
}

/** A compose command step (up, down, recreate) run in the deployment directory. */
export function composeStep(id: string, label: string, args: (ctx: RunCtx) => string[], extra: Partial<Step> = {}): Step {
  return {
    id,
    label,
    kind: 'command',
    destructive: true,
    plan: async (ctx) => [`$ ${commandLine([...(await composeShown(ctx)), ...args(ctx)])}`],
    command: async (ctx) => ({ argv: [...(await ctx.compose()), ...args(ctx)], cwd: ctx.settings.deployDir }),
    ...extra,
  };
}

/** Records the current container ids of services, to prove later that they were recreated. */
export function recordIdsStep(services: (ctx: RunCtx) => string[]): Step {
  return {
    id: 'record',
    label: 'record the current containers',
    kind: 'check',
    destructive: false,
    plan: async (ctx) => [`$ ${commandLine([...(await composeShown(ctx)), 'ps', '-q', '<service>'])}  for ${services(ctx).join(', ')}`],
    run: async (ctx, io) => {
      for (const svc of services(ctx)) {
        const r = await composeIds(ctx, io, svc);
        if (!r.ok) return { ok: false, summary: r.error };
        ctx.vars[`ids:${svc}`] = r.ids.join(',');
        io.line(`${svc}: ${r.ids.length ? r.ids.map((i) => i.slice(0, 12)).join(', ') : 'no container'}`);
      }
      return { ok: true, summary: 'recorded' };
    },
  };
}

/**
 * Every container of the services (or of the project when `services` gives none) runs and is
 * healthy where it has a healthcheck; with `mustBeNew`, none is a container recorded before.
 */
export function verifyStep(services: (ctx: RunCtx) => string[], mustBeNew: boolean): Step {
  return {
    id: 'verify',
    label: 'verify the services run and are healthy',
    kind: 'check',
    destructive: false,
    plan: async (ctx) => {
      const list = services(ctx);
      return [
        `$ ${commandLine([...(await composeShown(ctx)), 'ps', '-q', ...list])}`,
        `wait until ${list.length ? list.join(' and ') : 'every container of the project'} run${mustBeNew ? ' as new containers' : ''}, healthy where they have a healthcheck`,
      ];
    },
    run: async (ctx, io): Promise<StepOutcome> => {
      const list = services(ctx);
      const targets = list.length ? list : [undefined];
      const done: string[] = [];
      for (const svc of targets) {
        const r = await composeIds(ctx, io, svc);
        if (!r.ok) return { ok: false, summary: r.error };
        const label = svc ?? 'the project';
        if (r.ids.length === 0) return { ok: false, summary: `${label}: no container after the command` };
        const before = svc ? (ctx.vars[`ids:${svc}`] ?? '').split(',').filter(Boolean) : [];
        for (const id of r.ids) {
          if (mustBeNew && before.some((b) => id.startsWith(b) || b.startsWith(id))) {
            return { ok: false, summary: `${label}: container ${id.slice(0, 12)} was not recreated` };
          }
          const h = await waitHealthy(ctx.deps, id, verifyTimeoutMs(ctx), io.signal, io.line);
          if (!h.ok) return { ok: false, summary: `${label}: ${h.detail}`, cancelled: h.cancelled };
          done.push(`${h.detail}${mustBeNew ? ` (new container ${id.slice(0, 12)})` : ''}`);
        }
      }
      return { ok: true, summary: done.join('; ') };
    },
  };
}
