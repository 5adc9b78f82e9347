import { isLive } from '../state/conn.js';
import type { ConnState } from '../state/types.js';
import { hhmmss } from './format.js';

/** "as of HH:MM:SS · retrying: <error>" when the pane's source is down or silent; null when live. */
export function staleLabel(conn: ConnState, at: number | null): string | null {
  if (isLive(conn)) return null;
  const asOf = at ? `as of ${hhmmss(at)}` : 'no data yet';
  if (conn.silentSince !== undefined) return `${asOf} · no answer since ${hhmmss(conn.silentSince)}`;
  const what =
    conn.status === 'reconnecting' ? `reconnecting #${conn.attempt ?? 1}` : conn.status === 'connecting' ? 'connecting' : 'down, retrying';
  return `${asOf} · ${what}${conn.error ? `: ${conn.error.slice(0, 60)}` : ''}`;
}
