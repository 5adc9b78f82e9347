/** Small statistics helpers for the benchmarks. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] as number;
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

export function summary(name: string, values: number[], unit = 'ms'): string {
  return `${name.padEnd(58)} n=${String(values.length).padStart(3)}  p50 ${fmt(percentile(values, 50)).padStart(8)} ${unit}  p90 ${fmt(percentile(values, 90)).padStart(8)} ${unit}  p99 ${fmt(percentile(values, 99)).padStart(8)} ${unit}  max ${fmt(Math.max(...values)).padStart(8)} ${unit}`;
}
