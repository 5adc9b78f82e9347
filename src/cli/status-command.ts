/**
 * `titan-tui status`: one reading of every source. Exit 0 only when every source answered (NATS,
 * Docker, brain, execution, the halt file, the breaker), 1 otherwise; the text names what did not.
 */
import type { Runtime } from '../runtime.js';
import { printable, visibleControls } from '../services/bus/text.js';
import type { Target } from '../state/types.js';

export interface StatusReport {
  profile: string;
  /** True when every source answered. */
  ok: boolean;
  /** The sources that did not answer, with why. */
  notAnswered: Array<{ source: string; why: string }>;
  connections: ReturnType<Runtime['store']['getState']>['connections'];
  containers: Array<{ name: string; state: string; health: string; restarts: number; startedAt: string }>;
  haltFile: { present: boolean; content?: string; mtime?: string; size?: number } | { error: string };
  breaker: Record<string, unknown> | { error: string };
  probes: ReturnType<Runtime['store']['getState']>['probes'];
}

const TARGETS: Target[] = ['nats', 'docker', 'brain', 'execution'];

export function statusReport(rt: Runtime): StatusReport {
  const s = rt.store.getState();
  const notAnswered: StatusReport['notAnswered'] = [];
  for (const t of TARGETS) {
    const c = s.connections[t];
    if (c.status !== 'connected') notAnswered.push({ source: t, why: `${c.status}${c.error ? `: ${c.error}` : ''}` });
  }
  const haltKnown = s.haltFile.at !== null && s.haltFile.value !== null;
  if (!haltKnown) notAnswered.push({ source: 'halt file', why: s.haltFile.error ?? 'not read' });
  if (s.breaker.value === null) notAnswered.push({ source: 'breaker', why: s.breaker.error ?? 'not read' });
  return {
    profile: rt.contract.profile,
    ok: notAnswered.length === 0,
    notAnswered,
    connections: s.connections,
    containers: s.containers.value.map((c) => ({
      name: c.name,
      state: c.state,
      health: c.health,
      restarts: c.restartCount,
      startedAt: c.startedAt,
    })),
    haltFile: haltKnown && s.haltFile.value ? s.haltFile.value : { error: s.haltFile.error ?? 'not read' },
    breaker: s.breaker.value ? { ...s.breaker.value, source: s.breaker.source } : { error: s.breaker.error ?? 'unknown' },
    probes: s.probes,
  };
}

/** Outside text on one line: names keep every character (escaped), free text loses its controls. */
const name = (t: string) => visibleControls(t);
const text = (t: string, max = 160) => printable(t, max);

export function formatStatus(r: StatusReport, execName: string): string {
  const lines = [`profile    ${r.profile}`, 'sources'];
  for (const t of TARGETS) {
    const c = r.connections[t];
    const where = c.endpoint ? ` ${text(c.endpoint, 80)}` : '';
    lines.push(`  ${t.padEnd(10)} ${c.status}${where}${c.error ? ` — ${text(c.error)}` : ''}`);
  }
  lines.push('containers');
  if (r.containers.length === 0) lines.push('  (none listed)');
  for (const c of r.containers)
    lines.push(`  ${name(c.name).padEnd(26)} ${name(c.state).padEnd(9)} ${name(c.health).padEnd(9)} restarts ${c.restarts}`);
  const h = r.haltFile;
  if ('error' in h) lines.push(`halt file  unknown — ${text(h.error)}`);
  else if (!h.present) lines.push(`halt file  absent in ${name(execName)}`);
  else
    lines.push(
      `halt file  PRESENT in ${name(execName)}${h.size !== undefined ? ` (${h.size} bytes` : ' ('}${h.mtime ? `, ${text(h.mtime, 40)}` : ''})${h.content ? `: "${text(h.content, 120)}"` : ''}`,
    );
  const b = r.breaker;
  if ('error' in b) lines.push(`breaker    unknown — ${text(String(b.error))}`);
  else {
    const from = b.source === 'dashboard' ? 'from the dashboard (cached up to 60 s)' : 'from /status';
    const detail = [b.type, b.reason].filter((x) => typeof x === 'string' && x).map((x) => text(x as string, 80));
    lines.push(`breaker    ${b.active ? 'ACTIVE' : 'inactive'}${detail.length ? `: ${detail.join(' — ')}` : ''} (${from})`);
  }
  const probes = Object.values(r.probes);
  if (probes.length) lines.push('health');
  for (const p of probes)
    lines.push(
      `  ${name(p.name).padEnd(13)} ${p.status.padEnd(12)} ${String(p.latencyMs).padStart(5)} ms${p.detail ? `  ${text(p.detail, 100)}` : ''}`,
    );
  lines.push(
    r.ok ? 'every source answered' : `NOT ANSWERED: ${r.notAnswered.map((n) => n.source).join(', ')} — the state above is incomplete`,
  );
  return lines.join('\n');
}
