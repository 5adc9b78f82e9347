/** Small, pure formatting helpers for the panes. */
import { printable } from '../text/safe-text.js';

export const hhmmss = (t: number) => new Date(t).toTimeString().slice(0, 8);

export function age(from: number | null | undefined, now = Date.now()): string {
  if (from === null || from === undefined) return 'never';
  const s = Math.max(0, Math.round((now - from) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function uptime(startedAt: string, now = Date.now()): string {
  const t = Date.parse(startedAt);
  if (!Number.isFinite(t) || t <= 0) return '-';
  return age(t, now);
}

/** Exactly n cells: padded, or cut with an ellipsis only when longer (an exact fit is kept whole). */
export const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, Math.max(0, n - 1))}…`.slice(0, n) : s.padEnd(n));

export function timeOf(v: number | string | undefined): string {
  if (v === undefined) return '-';
  const t = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(t) ? hhmmss(t) : printable(String(v), 19);
}

export const hhmm = (t: number) => new Date(t).toTimeString().slice(0, 5);

/** Minute resolution, so an idle cockpit redraws once a minute, not every second. */
export function coarseAge(from: number, now = Date.now()): string {
  const m = Math.max(0, Math.floor((now - from) / 60_000));
  if (m < 1) return '<1m';
  if (m < 60) return `${m}m`;
  if (m < 1440) return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(m / 1440)}d${String(Math.floor((m % 1440) / 60)).padStart(2, '0')}h`;
}

export function coarseUptime(startedAt: string, now = Date.now()): string {
  const t = Date.parse(startedAt);
  return !Number.isFinite(t) || t <= 0 ? '-' : coarseAge(t, now);
}

/** Latency in steps that do not flicker between 2 and 3 ms on every probe. */
export function latencyBucket(ms: number): string {
  if (ms < 10) return '<10ms';
  if (ms < 1000) return `${Math.round(ms / 10) * 10}ms`;
  return `${(ms / 1000).toFixed(1)}s`;
}
