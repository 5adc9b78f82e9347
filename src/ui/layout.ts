/** Pure layout arithmetic for the screens: heights that always add up to what is available. */
import { bannerCap, bannerRows } from '../components/banner-rows.js';
import type { ActionReport } from '../state/types.js';

export interface Slot {
  /** Rows below which the slot is useless (a pane needs 3: two borders and one line). */
  min: number;
  /** Rows it would like. */
  want: number;
}

/**
 * Splits `total` rows between slots. Minimums first (in the order given, so when even those do not
 * fit the later slots get 0 and are not drawn), then each slot up to what it wants in `priority`
 * order, then whatever is left goes to the `grow` slot. The result never sums above `total`.
 */
export function allocate(total: number, slots: Slot[], priority: number[], grow: number): number[] {
  const out = slots.map(() => 0);
  let left = Math.max(0, Math.floor(total));
  slots.forEach((s, i) => {
    const n = s.min <= left ? s.min : 0;
    out[i] = n;
    left -= n;
  });
  for (const i of priority) {
    const s = slots[i];
    if (!s || out[i] === 0) continue;
    const more = Math.min(left, Math.max(0, s.want - (out[i] ?? 0)));
    out[i] = (out[i] ?? 0) + more;
    left -= more;
  }
  if (out[grow] !== undefined && out[grow] > 0) out[grow] += left;
  return out;
}

/** Lines the action banner takes at this size (components/banner-rows.ts: wrapped, capped). */
export function bannerLines(rows: number, last: ActionReport | null, columns = 80): number {
  return bannerRows(last, columns, bannerCap(rows)).length;
}

/** Rows left for the screen body under the header and readiness lines and above banner and footer. */
export function bodyHeight(rows: number, parts: { notice: boolean; alarm: boolean; last: ActionReport | null }, columns = 80): number {
  const footer = 1 + (parts.notice ? 1 : 0) + (parts.alarm ? 1 : 0);
  return Math.max(4, rows - 2 - bannerLines(rows, parts.last, columns) - footer);
}
