/**
 * Which rows of a list a pane shows: the selected row always, and a hint line above and below for
 * what is scrolled off ("↑ 2 more"), so a short pane never hides rows without saying so.
 */
export interface ListWindow {
  start: number;
  end: number;
  /** Rows hidden above and below (each shown as one hint line when > 0). */
  above: number;
  below: number;
}

export function listWindow(selected: number, count: number, rows: number): ListWindow {
  if (count <= rows || rows < 3) {
    // It all fits, or there is no room for hint lines: the selection is kept in view.
    const start = Math.max(0, Math.min(selected - Math.max(1, rows) + 1, count - Math.max(1, rows)));
    return { start, end: Math.min(count, start + Math.max(1, rows)), above: 0, below: 0 };
  }
  const sel = Math.max(0, Math.min(count - 1, selected));
  // At the top: one hint line (below). At the bottom: one (above). Between: two.
  if (sel < rows - 1) return { start: 0, end: rows - 1, above: 0, below: count - (rows - 1) };
  if (sel >= count - (rows - 1)) return { start: count - (rows - 1), end: count, above: count - (rows - 1), below: 0 };
  const inner = rows - 2;
  const start = sel - inner + 1;
  return { start, end: start + inner, above: start, below: count - (start + inner) };
}
