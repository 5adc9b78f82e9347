/** Validates Docker's inspect/list JSON at the edge and maps it to the cockpit's ContainerInfo. */
import { z } from 'zod';
import type { ContainerInfo } from '../../state/types.js';

const str = z.string().catch('');
const num = z.number().catch(0);

const InspectSchema = z.object({
  Id: z.string().min(1),
  Name: z.string(),
  State: z
    .object({
      Status: str,
      StartedAt: str,
      FinishedAt: str,
      ExitCode: num,
      Health: z.object({ Status: str }).nullish().catch(undefined),
    })
    .catch({ Status: '', StartedAt: '', FinishedAt: '', ExitCode: 0, Health: undefined }),
  RestartCount: num,
  Config: z.object({ Image: str, Tty: z.boolean().catch(false) }).catch({ Image: '', Tty: false }),
  HostConfig: z.object({ NetworkMode: str }).catch({ NetworkMode: '' }),
  NetworkSettings: z
    .object({
      IPAddress: str,
      Networks: z
        .record(z.string(), z.object({ IPAddress: str }).catch({ IPAddress: '' }))
        .nullish()
        .catch(undefined),
    })
    .catch({ IPAddress: '', Networks: undefined }),
});

export type InspectData = z.infer<typeof InspectSchema>;

const ListSchema = z.array(z.object({ Id: z.string().min(1), Names: z.array(z.string()).catch([]) }).catch({ Id: '', Names: [] }));

/** Go's zero time means "never". */
const time = (t: string): string => (t === '' || t.startsWith('0001-01-01') ? '' : t);

const HEALTH = new Set(['healthy', 'unhealthy', 'starting']);

export function parseInspect(raw: unknown): { ok: true; data: InspectData } | { ok: false; error: string } {
  const parsed = InspectSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, error: `unexpected container inspect answer from the engine: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  return { ok: true, data: parsed.data };
}

export function toContainerInfo(d: InspectData): ContainerInfo {
  const state = d.State.Status || 'unknown';
  const finishedAt = time(d.State.FinishedAt);
  const health = d.State.Health?.Status ?? '';
  return {
    id: d.Id,
    name: d.Name.replace(/^\//, ''),
    image: d.Config.Image,
    state,
    health: HEALTH.has(health) ? (health as ContainerInfo['health']) : 'none',
    startedAt: time(d.State.StartedAt),
    finishedAt,
    // While it runs the last exit code is meaningless; before its first exit there is none.
    exitCode: state === 'running' || state === 'paused' || state === 'created' || finishedAt === '' ? null : d.State.ExitCode,
    restartCount: d.RestartCount,
    tty: d.Config.Tty,
  };
}

/** First network address, or null with host networking or no address. */
export function firstAddress(d: InspectData): string | null {
  if (d.HostConfig.NetworkMode === 'host') return null;
  for (const net of Object.values(d.NetworkSettings.Networks ?? {})) if (net.IPAddress) return net.IPAddress;
  return d.NetworkSettings.IPAddress || null;
}

/** Ids and plain names (without '/') of the listed containers whose name matches `watch`. */
export function watchedFromList(
  raw: unknown,
  watch: RegExp,
): { ok: true; list: { id: string; name: string }[] } | { ok: false; error: string } {
  const parsed = ListSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: 'unexpected container list answer from the engine' };
  const out: { id: string; name: string }[] = [];
  for (const c of parsed.data) {
    if (!c.Id) continue;
    // Linked containers also appear as "/other/alias": the real name has no inner '/'.
    const name = c.Names.map((n) => n.replace(/^\//, '')).find((n) => !n.includes('/'));
    if (name !== undefined && watch.test(name)) out.push({ id: c.Id, name });
  }
  return { ok: true, list: out };
}
