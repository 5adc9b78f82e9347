import type { ConnState } from '../state/types.js';
import { hhmmss } from './format.js';

/** "as of HH:MM:SS · retrying: <error>" when the pane's source is down; null when live. */
export function staleLabel(conn: ConnState, at: number | null): string | null {
  if (conn.status === 'connected') return null;
  const asOf = at ? `as of ${hhmmss(at)}` : 'no data yet';
  const what =
    conn.status === 'reconnecting' ? `reconnecting #${conn.attempt ?? 1}` : conn.status === 'connecting' ? 'connecting' : 'down, retrying';
  return `${asOf} · ${what}${conn.error ? `: ${conn.error.slice(0, 60)}` : ''}`;
}
