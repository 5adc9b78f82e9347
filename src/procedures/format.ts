import type { RunStatus, StepStatus } from './types.js';

/** Words, not only colours: the state must read the same on a monochrome terminal or in a log. */
export const STATUS_LABEL: Record<StepStatus, string> = {
  pending: 'PENDING',
  running: 'RUNNING',
  ok: 'OK',
  failed: 'FAILED',
  skipped: 'SKIPPED',
  cancelled: 'CANCELLED',
};

export const STATUS_GLYPH: Record<StepStatus, string> = {
  pending: '·',
  running: '▶',
  ok: '✔',
  failed: '✘',
  skipped: '-',
  cancelled: '■',
};

export const RUN_LABEL: Record<RunStatus, string> = {
  idle: 'READY',
  running: 'RUNNING',
  ok: 'ALL OK',
  failed: 'FAILED',
  cancelled: 'CANCELLED',
};

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}
