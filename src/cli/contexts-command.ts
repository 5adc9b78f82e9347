/** `titan-tui contexts`: the deployments of the config file, what each reaches, and which is in use. */
import { type LoadedConfig, loadContext } from '../config/load.js';
import { maskConfig } from '../config/mask.js';
import { visibleControls } from '../text/safe-text.js';
import { jsonText } from './output.js';

export interface ContextRow {
  name: string;
  current: boolean;
  production: boolean;
  color: string;
  profile?: string;
  readOnly?: boolean;
  nats?: string[];
  docker?: string;
  brain?: string;
  execution?: string;
  /** The context does not load (a secret file missing, ...): why. */
  error?: string;
}

/** Each context as it would load now (URLs with credentials masked). */
export function contextRows(loaded: LoadedConfig): ContextRow[] {
  return loaded.contexts.map((c) => {
    const row: ContextRow = { name: c.name, current: loaded.context?.name === c.name, production: c.production, color: c.color };
    try {
      const l = row.current ? loaded : loadContext(loaded, c.name);
      const m = maskConfig(l.config);
      const service = (s: { via: string; url?: string }) => (s.via === 'container' ? 'container address' : (s.url ?? 'profile default'));
      Object.assign(row, {
        profile: m.profile,
        readOnly: m.readOnly,
        nats: m.nats.servers,
        docker: m.docker.host,
        brain: service(m.brain),
        execution: service(m.execution),
      });
    } catch (e) {
      row.error = (e as Error).message;
    }
    return row;
  });
}

export function contextsCommand(loaded: LoadedConfig, json: boolean): string {
  const rows = contextRows(loaded);
  const source =
    loaded.contextSource === 'flag:--context'
      ? '--context'
      : loaded.contextSource === 'env:TITAN_TUI_CONTEXT'
        ? 'TITAN_TUI_CONTEXT'
        : 'the file';
  if (json)
    return jsonText({
      file: loaded.files.config,
      current: loaded.context?.name ?? null,
      currentFrom: loaded.context ? source : null,
      contexts: rows,
    });
  if (rows.length === 0)
    return [
      `No contexts in ${loaded.files.config}${loaded.files.configExists ? '' : ' (not present)'}: the top-level settings are in use.`,
      'Define them under "contexts" (README.md: Contexts).',
    ].join('\n');
  const lines = [
    `Contexts in ${loaded.files.config}; in use: ${loaded.context ? `${loaded.context.name} (from ${source})` : 'none (the top-level settings)'}`,
  ];
  const width = Math.max(...rows.map((r) => r.name.length), 4);
  for (const r of rows) {
    const mark = r.current ? '*' : ' ';
    const head = `${mark} ${visibleControls(r.name).padEnd(width)}  ${(r.production ? 'PRODUCTION' : '').padEnd(10)}  ${r.color.padEnd(7)}`;
    if (r.error) {
      lines.push(`${head}  does not load: ${visibleControls(r.error)}`);
      continue;
    }
    lines.push(
      `${head}  ${r.profile}${r.readOnly ? ' read-only' : ''}  nats ${(r.nats ?? []).map((u) => visibleControls(u)).join(',')}  docker ${visibleControls(r.docker ?? '')}`,
    );
  }
  return lines.join('\n');
}
