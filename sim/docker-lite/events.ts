/**
 * The engine-wide event feed behind GET /events, shaped like Docker's
 * (Type/Action/Actor plus the legacy status/id/from fields).
 */

export interface DockerEvent {
  Type: 'container';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  status: string;
  id: string;
  from: string;
}

export interface EventFilters {
  type?: string[];
  container?: string[];
  event?: string[];
  label?: string[];
}

const HISTORY = 1000;

export class EventBus {
  private readonly history: DockerEvent[] = [];
  private readonly listeners = new Set<(e: DockerEvent) => void>();

  emit(action: string, id: string, image: string, attributes: Record<string, string>): DockerEvent {
    const nowNs = Date.now() * 1_000_000;
    const event: DockerEvent = {
      status: action,
      id,
      from: image,
      Type: 'container',
      Action: action,
      Actor: { ID: id, Attributes: { image, ...attributes } },
      scope: 'local',
      time: Math.floor(nowNs / 1e9),
      timeNano: nowNs,
    };
    this.history.push(event);
    if (this.history.length > HISTORY) this.history.shift();
    for (const l of this.listeners) l(event);
    return event;
  }

  /** Past events with time >= sinceSec (Docker replays these when `since` is given). */
  since(sinceSec: number): DockerEvent[] {
    return this.history.filter((e) => e.timeNano / 1e9 >= sinceSec);
  }

  subscribe(listener: (e: DockerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Accepts both filter encodings Docker clients send: {"k":["v"]} and {"k":{"v":true}}. */
export function parseFilters(raw: string | null): EventFilters | Error {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return new Error('invalid filter: filters must be JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) return new Error('invalid filter: filters must be a JSON object');
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (typeof v === 'object' && v !== null) out[k] = Object.keys(v);
    else return new Error(`invalid filter '${k}'`);
  }
  return out as EventFilters;
}

export function eventMatches(e: DockerEvent, f: EventFilters): boolean {
  if (f.type?.length && !f.type.includes(e.Type)) return false;
  if (f.container?.length) {
    const name = e.Actor.Attributes.name ?? '';
    if (!f.container.some((c) => c === name || (c.length > 0 && e.Actor.ID.startsWith(c)))) return false;
  }
  // Docker lets `event=health_status` match "health_status: healthy" (the part before the colon).
  if (f.event?.length && !f.event.some((ev) => ev === e.Action || ev === e.Action.split(':')[0])) return false;
  if (f.label?.length) {
    const attrs = e.Actor.Attributes;
    const ok = f.label.every((l) => {
      const eq = l.indexOf('=');
      return eq === -1 ? l in attrs : attrs[l.slice(0, eq)] === l.slice(eq + 1);
    });
    if (!ok) return false;
  }
  return true;
}
