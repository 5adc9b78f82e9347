/** The pure layout arithmetic behind the screens: heights that always fit, help pages, footer hints. */
import { describe, expect, it } from 'vitest';
import { fitHints } from '../../src/components/Footer.js';
import { pad } from '../../src/components/format.js';
import { DEFAULT_BINDINGS } from '../../src/keymap/keymap.js';
import { helpGrid, helpRows } from '../../src/ui/help-layout.js';
import { bannerCap, bannerRows } from '../../src/components/banner-rows.js';
import { allocate, bodyHeight } from '../../src/ui/layout.js';
import type { ActionReport } from '../../src/state/types.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('allocate', () => {
  const slots = [
    { min: 3, want: 5 },
    { min: 3, want: 6 },
    { min: 3, want: 3 },
  ];
  it('gives minimums, then wants by priority, then the rest to the growing slot', () => {
    expect(allocate(21, slots, [1, 0, 2], 2)).toEqual([5, 6, 10]);
    expect(allocate(13, slots, [1, 0, 2], 2)).toEqual([4, 6, 3]);
  });
  it('never exceeds the total, and drops the slots whose minimum no longer fits', () => {
    for (let total = 0; total <= 40; total++) expect(sum(allocate(total, slots, [1, 0, 2], 2))).toBeLessThanOrEqual(total);
    expect(allocate(7, slots, [1, 0, 2], 2)).toEqual([3, 4, 0]);
    expect(allocate(2, slots, [1, 0, 2], 2)).toEqual([0, 0, 0]);
  });
});

describe('bodyHeight and the banner', () => {
  const report = (channels: number, detail = 'ok', next?: string): ActionReport => ({
    id: 'r',
    action: 'stop-all',
    startedAt: 0,
    finishedAt: 40,
    outcome: 'NOT_CONFIRMED',
    summary: 'engine halt NOT confirmed',
    channels: Array.from({ length: channels }, (_, i) => ({ channel: `c${i}`, outcome: 'VERIFIED' as const, detail })),
    ...(next ? { next } : {}),
  });

  it('leaves room for the header, readiness, banner, notice, alarm and footer', () => {
    expect(bodyHeight(24, { notice: false, alarm: false, last: null })).toBe(21);
    // 80x24: the banner takes at most 4 rows (headline, two channels, next); the third channel is counted.
    expect(bodyHeight(24, { notice: true, alarm: true, last: report(3, 'ok', 'x') })).toBe(24 - 2 - 4 - 3);
    expect(bodyHeight(50, { notice: false, alarm: false, last: report(6, 'ok', 'x') })).toBe(50 - 2 - 8 - 1);
  });

  it('wraps a long detail instead of cutting it, and never cuts the next step', () => {
    const long =
      'halt file present in titan-execution (67 bytes) — the engine reads it only at start: restart execution so it boots halted';
    const rows = bannerRows(
      report(
        1,
        long,
        'restart titan-execution so it boots halted (R on titan-execution, type titan-execution); if that fails: KILL SWITCH',
      ),
      80,
      bannerCap(24),
    );
    const text = rows.map((r) => r.text).join('\n');
    expect(rows.every((r) => r.text.length <= 80)).toBe(true);
    expect(text).toContain('if that fails: KILL SWITCH'); // the whole next step
    const wide = bannerRows(report(1, long), 80, bannerCap(40))
      .map((r) => r.text)
      .join(' ');
    expect(wide.replace(/\s+/g, ' ')).toContain('restart execution so it boots halted'); // the whole detail when there is room
  });
});

describe('help layout', () => {
  const rows = helpRows(DEFAULT_BINDINGS);
  it('has one row per group and per bound command, in keymap order', () => {
    const bound = DEFAULT_BINDINGS.filter((b) => b.keys.length);
    expect(
      rows
        .filter((r) => r.label)
        .map((r) => r.label)
        .sort(),
    ).toEqual(bound.map((b) => b.label).sort());
    expect(rows[0]).toEqual({ group: 'Emergency' });
  });
  it('pages only when the rows do not fit', () => {
    expect(helpGrid(rows.length, 200, 47).pages).toBe(1);
    const small = helpGrid(rows.length, 80, 21);
    expect(small.cols * small.perCol * small.pages).toBeGreaterThanOrEqual(rows.length);
    expect(small.pages).toBeGreaterThan(1);
  });
});

describe('footer hints', () => {
  const hints = DEFAULT_BINDINGS.filter((b) => b.footer).map((b) => ({ key: b.keys[0] ?? '', label: b.footer ?? '' }));
  const width = (hs: typeof hints) => sum(hs.map((h) => h.key.length + h.label.length + 2));
  it('drop whole hints until they fit, never STOP, help or quit', () => {
    for (const w of [60, 80, 200]) {
      const shown = fitHints(hints, w);
      expect(width(shown)).toBeLessThanOrEqual(w);
      for (const must of ['STOP', 'help', 'quit']) expect(shown.map((h) => h.label)).toContain(must);
    }
    expect(fitHints(hints, 500)).toEqual(hints);
  });
});

describe('pad', () => {
  it('keeps an exact fit whole and cuts only longer text', () => {
    expect(pad('exit 137', 8)).toBe('exit 137');
    expect(pad('exit 1370', 8)).toBe('exit 13…');
    expect(pad('up', 4)).toBe('up  ');
  });
});
