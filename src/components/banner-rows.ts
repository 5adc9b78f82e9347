/**
 * The action banner's rows, wrapped to the terminal's width and fitted to its height: the headline,
 * the suggested next step (never cut: it says what to do), then one row per channel detail as far
 * as they fit, the hidden ones counted in the headline. Pure: the layout and the banner share it.
 */
import type { ActionReport, Outcome } from '../state/types.js';
import { OUTCOME_TEXT } from '../text/outcome-words.js';

export interface BannerRow {
  text: string;
  tone: Outcome | 'next';
}

/** Splits text into rows of at most `width` cells, at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(10, width);
  const out: string[] = [];
  let rest = text;
  while (rest.length > w) {
    const cut = rest.lastIndexOf(' ', w);
    const at = cut > w / 2 ? cut : w;
    out.push(rest.slice(0, at));
    rest = `  ${rest.slice(at).trimStart()}`;
  }
  out.push(rest);
  return out;
}

/** Rows of the banner at most (a small terminal keeps room for the panes). */
export const bannerCap = (rows: number) => (rows >= 30 ? 8 : 4);

export function bannerRows(last: ActionReport | null, width: number, cap: number): BannerRow[] {
  if (!last || cap <= 0) return [];
  const ms = last.finishedAt ? ` in ${last.finishedAt - last.startedAt} ms` : '';
  const next = last.next ? wrap(`  next: ${last.next}`, width).map((text) => ({ text, tone: 'next' as const })) : [];
  const channels = last.channels.map((c) => ({
    tone: c.outcome,
    rows: wrap(`  ${c.channel}: ${OUTCOME_TEXT[c.outcome]}${c.latencyMs !== undefined ? ` (${c.latencyMs} ms)` : ''} ${c.detail}`, width),
  }));
  const headline = (hidden: number) =>
    `${last.action.toUpperCase()}: ${OUTCOME_TEXT[last.outcome]}${ms}${hidden ? ` (+${hidden} more, A: audit)` : ''} — ${last.summary}`;
  // The headline gets at most two rows; the next step all of its own; channels what is left.
  const head = (hidden: number) => wrap(headline(hidden), width).slice(0, 2);
  let budget = cap - Math.min(2, head(0).length) - next.length;
  const shown: BannerRow[] = [];
  let hidden = 0;
  for (const c of channels) {
    if (c.rows.length <= budget) {
      shown.push(...c.rows.map((text) => ({ text, tone: c.tone })));
      budget -= c.rows.length;
    } else if (budget > 0) {
      // The first row of a long detail, when that is all that fits, rather than nothing.
      shown.push({ text: c.rows[0] as string, tone: c.tone });
      budget = 0;
    } else hidden++;
  }
  const rows = [...head(hidden).map((text) => ({ text, tone: last.outcome })), ...shown, ...next];
  return rows.slice(0, cap);
}
