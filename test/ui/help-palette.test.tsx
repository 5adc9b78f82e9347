/**
 * The help screen and the palette are generated from the keymap; read-only mode registers no
 * action at all, so no key, no help line and no palette command can reach one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BINDINGS } from '../../src/keymap/keymap.js';
import { type MountedCockpit, mountCockpit } from '../helpers/cockpit.js';
import { KEY } from '../helpers/ink-harness.js';
import { container } from '../helpers/offline-runtime.js';

let c: MountedCockpit | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

const binding = (id: string) => DEFAULT_BINDINGS.find((b) => b.id === id) ?? { label: `missing ${id}`, keys: [] as string[] };
const DANGEROUS = DEFAULT_BINDINGS.filter((b) => b.dangerous);

describe('help', () => {
  it("'?' lists the keymap's own labels and keys; Esc goes back and never quits", async () => {
    c = mountCockpit({ columns: 200, rows: 50 });
    await c.waitForText('Containers');
    await c.press('?');
    const plain = await c.waitForText('Help');
    for (const id of ['action.flatten', 'logs.filter', 'action.stopAll', 'app.quit']) expect(plain).toContain(binding(id).label);
    expect(plain).toMatch(/\n\s+F\s+flatten all positions \(armed\)/);
    expect(plain).toMatch(/\n\s+\/\s+regex filter/);
    expect(plain).not.toContain('page 1/'); // everything fits at 200×50
    await c.press(KEY.escape);
    await c.waitForFrame((p) => !p.includes('Help') && p.includes('Containers'), 3000, 'the cockpit again');
    expect(c.quits()).toBe(0);
  });

  it('pages at 80×24 with ↓/PgDn and ↑, reaching every binding; movement keys do not touch the hidden cockpit', async () => {
    c = mountCockpit({ columns: 80, rows: 24 });
    await c.press('?');
    const seen = new Set<string>();
    let plain = await c.waitForText('page 1/');
    const pages = Number(/page 1\/(\d+)/.exec(plain)?.[1]);
    expect(pages).toBeGreaterThan(1);
    for (let p = 1; p <= pages; p++) {
      plain = await c.waitForText(`page ${p}/${pages}`);
      for (const l of plain.split('\n')) seen.add(l.trim());
      // No two help rows drawn on one line (rows that shrink overlap in Ink).
      expect(plain).not.toMatch(/\(armed\)\S/);
      if (p < pages) await c.press(p % 2 ? KEY.pageDown : KEY.down);
    }
    await c.press(KEY.down); // past the last page: stays there
    await c.press(KEY.up);
    await c.waitForText(`page ${pages - 1}/${pages}`);
    const all = [...seen].join('\n');
    for (const b of DEFAULT_BINDINGS.filter((x) => x.keys.length)) expect(all).toContain(b.label);
    expect(c.controller.ui.getState().selected).toBe(0);
    await c.press(KEY.home);
    await c.waitForText(`page 1/${pages}`);
  });
});

describe('palette', () => {
  it("':' completes with Tab ('hal' → 'halt ') and runs the command through the same gating", async () => {
    c = mountCockpit();
    await c.press(':');
    await c.waitForText('Tab completes');
    await c.type('hal');
    let plain = await c.waitForText(':hal▌');
    expect(plain).toContain('halt trading (NATS halt)');
    expect(plain).not.toContain('flatten all positions');
    await c.press(KEY.tab);
    plain = await c.waitForText(':halt ▌');
    expect(c.controller.ui.getState().palette?.input).toBe('halt ');
    await c.press(KEY.enter);
    await c.waitForText('SAFE mode: press a and type ARM first');
    expect(c.controller.ui.getState().prompt).toBeNull();
  });

  it('Tab keeps what was typed: it completes the argument (container, soft), and lists ambiguous matches instead of picking', async () => {
    c = mountCockpit({ columns: 120, rows: 34 });
    c.rt.store.emit({ type: 'containers.sync', list: [container('titan-brain'), container('titan-execution')], at: Date.now() });
    await c.press(':');
    await c.waitForText('Tab completes');
    await c.type('restart titan-b');
    await c.press(KEY.tab);
    expect(c.controller.ui.getState().palette?.input).toBe('restart titan-brain');
    await c.press(KEY.escape);
    await c.press(':');
    await c.type('halt s');
    await c.press(KEY.tab);
    expect(c.controller.ui.getState().palette?.input).toBe('halt soft');
    await c.press(KEY.escape);
    await c.press(':');
    await c.type('re');
    await c.press(KEY.tab);
    const pal = c.controller.ui.getState().palette;
    expect(pal?.input).toBe('re'); // four commands start with "re": nothing is picked
    expect(pal?.candidates).toEqual(expect.arrayContaining(['resume', 'restart', 'recover', 'redraw']));
    const plain = await c.waitForText('recover');
    expect(plain).toContain('resume');
  });

  it("':rest' and Tab arriving in one write (a paste, SSH batching) open the palette and complete, not dashboard keys", async () => {
    c = mountCockpit();
    await c.press(':rest\t');
    await c.waitForText(':restart ▌');
    expect(c.controller.ui.getState().palette?.input).toBe('restart ');
    expect(c.controller.ui.getState().screen).toBe('cockpit');
  });

  it('an unknown command says so', async () => {
    c = mountCockpit();
    await c.press(':');
    await c.waitForText('Tab completes');
    await c.press('zzz');
    await c.waitForText('no matching command');
    await c.press(KEY.enter);
    await c.waitForText('unknown command: zzz');
  });
});

describe('read-only', () => {
  it("shows READ-ONLY; '!' and 'H' open nothing but say so; help has no action keys; the palette has no action command", async () => {
    c = mountCockpit({ columns: 200, rows: 50, flags: { 'read-only': true } });
    let plain = await c.waitForText('READ-ONLY');
    expect(plain.split('\n')[0]).toMatch(/ READ-ONLY $/);
    // The readiness line makes no claim the cockpit cannot keep.
    expect(plain.split('\n')[1]).toMatch(/^READ-ONLY\s+no actions from this cockpit, the emergency stop included/);
    expect(plain).not.toContain('STOP READY');
    expect(c.controller.actions).toBeNull();

    // Each action key answers on screen, the emergency stop first, and opens nothing.
    for (const key of ['!', 'H', 'a', 'K']) {
      c.controller.ui.setState({ notice: null });
      await c.press(key);
      plain = await c.waitForText('read-only: no actions');
      expect(plain.split('\n').some((l) => l.startsWith('read-only: no actions'))).toBe(true);
      expect(c.controller.ui.getState().prompt).toBeNull();
    }
    // Keys are handled in order: had '!' or 'H' opened a prompt, '?' would be typed into it.
    // The short help leaves columns empty; React must not see two of them under one key.
    const errors = vi.spyOn(console, 'error');
    await c.press('?');
    plain = await c.waitForText('Help');
    expect(errors.mock.calls.filter((a) => String(a[0]).includes('same key'))).toEqual([]);
    errors.mockRestore();
    expect(plain).toContain('READ-ONLY: no actions are registered');
    expect(c.controller.ui.getState().prompt).toBeNull();
    expect(plain).not.toContain('EMERGENCY');
    for (const b of DANGEROUS) expect(plain).not.toContain(b.label);
    expect(plain).not.toContain('(armed)');
    expect(plain).toContain(binding('logs.filter').label);

    await c.press(KEY.escape);
    await c.waitForFrame((p) => !p.includes('Help —') && !p.includes('Help ·'), 3000, 'the cockpit');
    await c.press(':');
    plain = await c.waitForText('Tab completes');
    const commands = plain
      .split('\n')
      .map((l) => /^\s+│ (\S+(?: \S+)?)\s{2,}/.exec(l)?.[1])
      .filter(Boolean);
    expect(commands).toContain('follow');
    for (const b of DANGEROUS) expect(commands).not.toContain(b.palette);
    expect(
      c.controller
        .paletteEntries()
        .map((e) => e.id)
        .filter((id) => id.startsWith('action.') || id.startsWith('mode.')),
    ).toEqual([]);
    await c.type('halt');
    await c.waitForText('no matching command');
    await c.press(KEY.enter);
    await c.waitForText('read-only: no actions');
    expect(c.controller.ui.getState().prompt).toBeNull();
    // The footer offers no action either.
    expect(c.text().split('\n').at(-1)).not.toMatch(/STOP|halt|arm/);
    expect(c.off.auditEntries()).toEqual([]);
  });

  it('the read-only answer clears itself after a few seconds; `!` inside the log filter answers too', async () => {
    c = mountCockpit({ columns: 120, rows: 34, flags: { 'read-only': true } });
    await c.waitForText('READ-ONLY');
    await c.press('/');
    await c.waitForText('filter /▌');
    await c.press('!');
    await c.waitForText('read-only: no actions');
    expect(c.controller.ui.getState().filterInput).toBe(''); // not typed, and the filter stays open
    await c.waitForFrame((p) => !p.includes('read-only: no actions'), 8000, 'the notice gone');
  }, 15_000);
});
