/**
 * The visible window of the log pane, computed where the lines are (the log worker): the `rows` lines
 * ending at endSeq (or the newest), filtered, with the filter's matches to highlight. O(rows) when
 * unfiltered. A new filter on a full ring of long lines costs up to ~0.5 s (bench/log-filter.ts): it
 * is done in slices of SLICE_MS; `pending` says the count is a lower bound, completed by later slices.
 */
import { compileFilter, type LogFilter, plainText } from '../log-filter.js';
import type { LogWindow, ViewQuery, WireLine } from './protocol.js';
import type { LogRing } from './ring.js';

export const SLICE_MS = 30;

export function computeWindow(
  ring: LogRing,
  view: ViewQuery,
  meta: { gen: number; container: string | null },
  now: () => number = () => performance.now(),
): LogWindow {
  const compiled = compileFilter(view.filter);
  const filter: LogFilter | null = compiled.ok ? compiled.filter : null;
  const deadline = now() + SLICE_MS;
  let pending = false;
  const passes = (i: number): boolean | null => {
    if (!filter) return true;
    const l = ring.at(i);
    if (!l) return false;
    if (filter.known(l) || now() < deadline) return filter.test(l);
    pending = true;
    return null;
  };
  const rows = Math.max(1, Math.floor(view.rows));
  const width = Math.max(10, view.width - 4);
  const out: WireLine[] = [];
  let used = 0;
  let i = ring.size - 1;
  if (view.endSeq !== null) while (i >= 0 && (ring.at(i)?.seq ?? 0) > view.endSeq) i--;
  for (; i >= 0 && used < rows; i--) {
    const l = ring.at(i);
    if (!l) continue;
    const hit = passes(i);
    if (hit === null) break;
    if (!hit) continue;
    const h = view.wrap ? Math.max(1, Math.ceil(plainText(l).length / width)) : 1;
    if (used + h > rows && out.length > 0) break;
    out.push(filter ? { ...l, hl: filter.ranges(plainText(l)) } : l);
    used += h;
  }
  let matches: number | null = null;
  if (filter) {
    // Each line is tested once per filter (cached): later windows only test the new lines.
    matches = 0;
    for (let j = ring.size - 1; j >= 0; j--) {
      const hit = passes(j);
      if (hit === null) break;
      if (hit) matches++;
    }
  }
  return {
    gen: meta.gen,
    container: meta.container,
    lines: out.reverse(),
    size: ring.size,
    capacity: ring.capacity,
    firstSeq: ring.size ? (ring.at(0)?.seq ?? null) : null,
    lastSeq: ring.size ? (ring.at(-1)?.seq ?? null) : null,
    matches,
    pending,
    view,
  };
}

/** The seq of the next (dir 1) or previous (dir -1) line matching `filter` after/before `from`. */
export function findMatch(ring: LogRing, source: string, from: number, dir: 1 | -1): number | null {
  const compiled = compileFilter(source);
  if (!compiled.ok || !compiled.filter) return null;
  const filter = compiled.filter;
  if (dir > 0) {
    for (let i = 0; i < ring.size; i++) {
      const l = ring.at(i);
      if (l && l.seq > from && filter.test(l)) return l.seq;
    }
  } else {
    for (let i = ring.size - 1; i >= 0; i--) {
      const l = ring.at(i);
      if (l && l.seq < from && filter.test(l)) return l.seq;
    }
  }
  return null;
}
