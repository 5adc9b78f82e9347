/**
 * `titan-tui status`: one reading of every source. Exit 0 only when every source answered (NATS,
 * Docker, brain, execution, the halt file, the breaker), 1 otherwise; the text names what did not.
 */
import { type LoadedConfig, loadContext } from '../config/load.js';
import type { Runtime } from '../runtime.js';
import { printable, visibleControls } from '../text/safe-text.js';
import { silence } from '../state/conn.js';
import type { Target } from '../state/types.js';

export interface StatusReport {
  profile: string;
  /** The context (deployment) read, when one is in use. */
  context: string | null;
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
    else if (c.silentSince !== undefined) notAnswered.push({ source: t, why: `${silence(t, c.silentSince)} (a ping went unanswered)` });
  }
  const haltKnown = s.haltFile.at !== null && s.haltFile.value !== null;
  if (!haltKnown) notAnswered.push({ source: 'halt file', why: s.haltFile.error ?? 'not read' });
  if (s.breaker.value === null) notAnswered.push({ source: 'breaker', why: s.breaker.error ?? 'not read' });
  return {
    profile: rt.contract.profile,
    context: rt.context?.name ?? null,
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
  const lines = [...(r.context ? [`context    ${visibleControls(r.context)}`] : []), `profile    ${r.profile}`, 'sources'];
  for (const t of TARGETS) {
    const c = r.connections[t];
    const where = c.endpoint ? ` ${text(c.endpoint, 80)}` : '';
    const silent = c.silentSince !== undefined ? ` — ${silence(t, c.silentSince)} (a ping went unanswered)` : '';
    lines.push(`  ${t.padEnd(10)} ${c.status}${where}${c.error ? ` — ${text(c.error)}` : ''}${silent}`);
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

// ---- every context at once (`titan-tui status --all-contexts`) -------------------------------------

export type ContextStatus =
  | ({ context: string | null; production: boolean; executionContainer: string } & StatusReport)
  | { context: string | null; production: boolean; ok: false; error: string };

export interface AllContextsReport {
  /** True when every source of every context answered. */
  ok: boolean;
  contexts: ContextStatus[];
}

/** Settings of one deployment: given on the command line they would apply to every context alike. */
const PER_DEPLOYMENT_FLAG = /^(profile|read-only|contract|nats-|docker-|brain-|execution-|procedures-)/;

export function allContextsFlagProblem(settings: Record<string, unknown>): string | null {
  const bad = Object.keys(settings).filter((k) => PER_DEPLOYMENT_FLAG.test(k));
  return bad.length
    ? `--all-contexts reads each context's own settings: --${bad[0]} would apply to all of them; set it in the context instead`
    : null;
}

/**
 * One runtime per context, all started together, each read once (as `status`), then all stopped.
 * With no contexts in the file: the top-level settings, as one entry (context null).
 */
export async function allContextsStatus(
  loaded: LoadedConfig,
  deps: { create: (l: LoadedConfig) => Runtime; settle: (rt: Runtime, ms: number) => Promise<void>; settleMs: number },
): Promise<AllContextsReport> {
  const targets = loaded.contexts.length ? loaded.contexts : [null];
  const entries = targets.map((ctx) => {
    try {
      const l = ctx === null || loaded.context?.name === ctx.name ? loaded : loadContext(loaded, ctx.name);
      const rt = deps.create(l);
      return { ctx, rt, error: null as string | null };
    } catch (e) {
      return { ctx, rt: null, error: (e as Error).message };
    }
  });
  for (const e of entries) e.rt?.start();
  try {
    await Promise.all(entries.map((e) => (e.rt ? deps.settle(e.rt, deps.settleMs) : undefined)));
    const contexts: ContextStatus[] = entries.map((e) => {
      const head = { context: e.ctx?.name ?? null, production: e.ctx?.production ?? false };
      return e.rt
        ? { ...head, executionContainer: e.rt.contract.containers.execution, ...statusReport(e.rt) }
        : { ...head, ok: false as const, error: e.error ?? 'does not load' };
    });
    return { ok: contexts.every((c) => c.ok), contexts };
  } finally {
    // Stopped together at the end: they share the process's HTTP agent.
    await Promise.race([Promise.allSettled(entries.map((e) => e.rt?.stop())), new Promise((r) => setTimeout(r, 3000).unref())]);
  }
}

export function formatAllContexts(r: AllContextsReport): string {
  const out: string[] = [];
  for (const c of r.contexts) {
    out.push(
      `== context ${c.context === null ? '(none: top-level settings)' : visibleControls(c.context)}${c.production ? ' (PRODUCTION)' : ''}`,
    );
    if ('error' in c) out.push(`does not load: ${printable(c.error)}`);
    else out.push(formatStatus(c, c.executionContainer));
    out.push('');
  }
  const bad = r.contexts.filter((c) => !c.ok).map((c) => c.context ?? '(top level)');
  out.push(r.ok ? 'every source of every context answered' : `INCOMPLETE: ${bad.join(', ')}`);
  return out.join('\n');
}
