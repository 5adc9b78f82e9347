import type { Binding, Group } from '../keymap/keymap.js';

/** Pure layout of the help screen, shared by HelpScreen (to draw) and the controller (to page). */
export const HELP_GROUPS: Group[] = ['Emergency', 'Actions', 'Mode', 'Navigation', 'Logs', 'App'];

export interface HelpRow {
  group?: Group;
  key?: string;
  label?: string;
  arm?: boolean;
}

/** One row per group heading and per bound command, in keymap order: the help IS the keymap. */
export function helpRows(bindings: Binding[]): HelpRow[] {
  const rows: HelpRow[] = [];
  for (const g of HELP_GROUPS) {
    const bs = bindings.filter((b) => b.group === g && b.keys.length);
    if (!bs.length) continue;
    rows.push({ group: g });
    for (const b of bs) rows.push({ key: b.keys.join(' / '), label: b.label, arm: b.needsArm });
  }
  return rows;
}

/** A help column needs this many cells to show the longest labels whole. */
const MIN_COL_WIDTH = 64;

/** Columns, rows per column and pages for `count` rows in a screen of `width` × `height` (one line is the title). */
export function helpGrid(count: number, width: number, height: number): { cols: number; perCol: number; pages: number } {
  const cols = Math.max(1, Math.min(4, Math.floor(width / MIN_COL_WIDTH)));
  const perCol = Math.max(1, height - 1);
  return { cols, perCol, pages: Math.max(1, Math.ceil(count / (cols * perCol))) };
}
