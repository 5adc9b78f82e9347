/**
 * Typed confirmation, SAFE/ARMED mode and quitting, driven by raw key bytes through Ink's own
 * input parsing into the real controller, action layer and audit log (a JSONL file in a temp dir).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KEY } from '../helpers/ink-harness.js';
import { type MountedCockpit, mountCockpit } from '../helpers/cockpit.js';
import { waitFor } from '../helpers/ports.js';

let c: MountedCockpit | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

const promptOf = (m: MountedCockpit) => m.controller.ui.getState().prompt;

async function arm(m: MountedCockpit) {
  await m.press('a');
  await m.waitForText('ARM THE COCKPIT');
  await m.press('ARM\r');
  return m.waitForFrame((p) => /ARMED \d+s/.test(p.split('\n')[0] ?? ''), 3000, 'ARMED in the header');
}

describe('emergency full stop prompt', () => {
  it("'!' opens it from the cockpit; Enter on empty and a wrong word never confirm; Esc cancels and is audited", async () => {
    c = mountCockpit();
    await c.waitForText('Containers');
    await c.press('!');
    let plain = await c.waitForText('EMERGENCY FULL STOP');
    expect(plain).toContain('titan.cmd.sys.halt.v1'); // it says what it will do
    expect(plain).toContain('Reason (optional');
    await c.press(KEY.enter); // no reason: on to the word
    await c.waitForText('Type HALT to confirm');

    await c.press(KEY.enter); // empty
    plain = await c.waitForText('Type HALT to confirm, or Esc to cancel');
    expect(promptOf(c)?.actionId).toBe('stop-all');

    await c.type('HALX');
    await c.waitForText('HALX▌');
    await c.press(KEY.enter);
    plain = await c.waitForText('Value must be exactly HALT');
    expect(promptOf(c)?.actionId).toBe('stop-all'); // still asking
    expect(c.rt.store.getState().actions.last).toBeNull(); // nothing ran
    expect(c.off.auditEntries()).toEqual([]);

    await c.press(KEY.escape);
    plain = await c.waitForText('EMERGENCY FULL STOP: cancelled');
    expect(plain).not.toContain('Type HALT');
    expect(promptOf(c)).toBeNull();
    const entries = await waitFor(() => (c!.off.auditEntries().length ? c!.off.auditEntries() : null), 3000);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'stop-all', outcome: 'CANCELLED', operator: 'tester', confirmation: null });
    expect(c.rt.store.getState().actions.last).toBeNull();
    // The audit screen shows the same record.
    await c.press('A');
    plain = await c.waitForText('Audit —');
    expect(plain).toMatch(/tester\s+stop-all\s+CANCELLED/);
    expect(plain).toContain(c.off.auditFile);
  });

  it("'!' opens it from the help screen, and Esc then returns to help (never quits)", async () => {
    c = mountCockpit();
    await c.press('?');
    await c.waitForText('Help');
    await c.press('!');
    await c.waitForText('EMERGENCY FULL STOP');
    await c.press(KEY.escape);
    const plain = await c.waitForText('cancelled');
    expect(plain).toContain('Help');
    expect(c.quits()).toBe(0);
  });

  it("'!' opens it from inside the ARM prompt and from the palette, replacing them", async () => {
    c = mountCockpit();
    await c.press('a');
    await c.waitForText('ARM THE COCKPIT');
    await c.press('!');
    let plain = await c.waitForText('EMERGENCY FULL STOP');
    expect(plain).not.toContain('ARM THE COCKPIT');
    await c.press(KEY.escape);
    await c.waitForText('cancelled');

    await c.press(':');
    await c.waitForText('Tab completes');
    await c.type('hal');
    await c.waitForText(':hal▌');
    await c.press('!');
    plain = await c.waitForText('EMERGENCY FULL STOP');
    expect(plain).not.toContain('Tab completes');
    expect(c.controller.ui.getState().palette).toBeNull();
  });

  it("'!' from inside an armed HALT prompt replaces it, and the abandoned HALT is audited as CANCELLED", async () => {
    c = mountCockpit();
    await arm(c);
    await c.press('H');
    await c.waitForText('Reason (optional');
    await c.press('!');
    await c.waitForText('EMERGENCY FULL STOP');
    const entries = await waitFor(() => (c!.off.auditEntries().length ? c!.off.auditEntries() : null), 3000);
    expect(entries[0]).toMatchObject({ action: 'halt', outcome: 'CANCELLED' });
    // '!' inside the stop prompt itself is neither typed nor re-opening it.
    await c.press('!');
    await c.press(KEY.enter);
    await c.waitForText('Type HALT to confirm');
    expect(promptOf(c)?.reason).toBe('');
  });
});

describe('SAFE and ARMED', () => {
  it("'H' in SAFE shows how to arm instead of a prompt; after ARM it opens HALT with its subject", async () => {
    c = mountCockpit();
    await c.waitForText(' SAFE ');
    await c.press('H');
    let plain = await c.waitForText('SAFE mode: press a and type ARM first');
    expect(promptOf(c)).toBeNull();
    expect(plain).not.toContain('titan.cmd.sys.halt.v1');

    // A wrong arming word does not arm.
    await c.press('a');
    await c.waitForText('ARM THE COCKPIT');
    await c.press('ARMY\r');
    await c.waitForText('Value must be exactly ARM');
    expect(c.controller.isArmed()).toBe(false);
    await c.press(KEY.escape);
    await c.waitForText('ARM THE COCKPIT: cancelled');
    expect(promptOf(c)).toBeNull();
    expect(c.off.auditEntries()).toEqual([]); // arming is not an action: nothing to audit

    plain = await arm(c);
    expect(plain.split('\n')[0]).toMatch(/ARMED (60|5\d)s/);
    await c.press('H');
    plain = await c.waitForText('titan.cmd.sys.halt.v1');
    expect(plain).toMatch(/║ HALT\s/);
    expect(promptOf(c)?.actionId).toBe('halt');
  });

  it('arming expires by itself (ui.armSeconds = 5 from the flag) and the header shows SAFE again', async () => {
    c = mountCockpit({ flags: { 'ui-arm-seconds': '5' } });
    await c.press('a');
    const prompt = await c.waitForText('ARM THE COCKPIT');
    expect(prompt).toContain('for 5 s');
    await c.press('ARM\r');
    const armed = await c.waitForFrame((p) => /ARMED [1-5]s/.test(p), 3000, 'ARMED with a countdown');
    expect(armed).not.toMatch(/ SAFE /);
    await c.waitForFrame((p) => /ARMED [1-3]s/.test(p), 5000, 'the countdown going down');
    // The header's clock may reach the deadline a moment before the controller's timer says so.
    await c.waitForFrame((p) => / SAFE $/.test(p.split('\n')[0] ?? ''), 8000, 'SAFE again');
    expect(c.controller.isArmed()).toBe(false);
    await c.waitForText('arming expired: back to SAFE', 3000);
    expect(c.rt.store.getState().armedUntil).toBeNull();
    await c.press('H');
    await c.waitForText('SAFE mode: press a');
  }, 20_000);

  it('the arm duration also comes from TITAN_TUI_UI_ARM_SECONDS', async () => {
    c = mountCockpit({ env: { TITAN_TUI_UI_ARM_SECONDS: '7' } });
    await c.press('a');
    expect(await c.waitForText('ARM THE COCKPIT')).toContain('for 7 s');
  });
});

describe('quit', () => {
  it("'q' quits at once in SAFE; Esc never quits", async () => {
    c = mountCockpit();
    await c.press(KEY.escape);
    await c.press('?');
    await c.waitForText('Help');
    await c.press(KEY.escape);
    await c.waitForText('Containers');
    expect(c.quits()).toBe(0);
    await c.press('q');
    await waitFor(() => c!.quits() === 1, 3000);
  });

  it("'q' when armed asks first: another key stays, 'y' quits", async () => {
    c = mountCockpit();
    await arm(c);
    await c.press('q');
    await c.waitForText('ARMED: quit anyway? y quits');
    expect(c.quits()).toBe(0);
    await c.press('n');
    await c.waitForText('quit cancelled: still ARMED');
    expect(c.quits()).toBe(0);
    await c.press('q');
    await c.waitForText('quit anyway?');
    await c.press('y');
    await waitFor(() => c!.quits() === 1, 3000);
  });
});
