/**
 * Every key a config may bind reaches the cockpit through Ink's own input parser (and F1 does not,
 * which is why the keymap refuses it); an extra emergency-stop key from the config opens the stop
 * on every screen and inside every prompt, and `!` still does, inside the HALT prompt included.
 */
import { Text, useInput } from 'ink';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { isDeliverableKey, keyName } from '../../src/keymap/keymap.js';
import { type MountedCockpit, mountCockpit } from '../helpers/cockpit.js';
import { KEY, renderInk } from '../helpers/ink-harness.js';
import { waitFor } from '../helpers/ports.js';

let c: MountedCockpit | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

/** Shows the key name of every key press, as the controller computes it. */
function KeyEcho({ seen }: { seen: string[] }) {
  const [, redraw] = useState(0);
  useInput((input, key) => {
    seen.push(keyName(input, key));
    redraw((n) => n + 1);
  });
  return <Text>{`keys ${seen.length}`}</Text>;
}

describe('the keys a config may bind', () => {
  // Raw bytes a terminal sends → the name the keymap uses. Each class isDeliverableKey() accepts.
  const BYTES: Array<[string, string]> = [
    ['!', '!'],
    ['T', 'T'],
    ['~', '~'],
    ['space', ' '],
    ['enter', KEY.enter],
    ['escape', KEY.escape],
    ['tab', KEY.tab],
    ['shift+tab', KEY.shiftTab],
    ['backspace', KEY.backspace],
    ['delete', '\x1b[3~'],
    ['up', KEY.up],
    ['down', KEY.down],
    ['left', KEY.left],
    ['right', KEY.right],
    ['pageup', KEY.pageUp],
    ['pagedown', KEY.pageDown],
    ['home', KEY.home],
    ['end', KEY.end],
    ['meta+x', '\x1bx'],
    ['meta+X', '\x1bX'],
    ['meta+1', '\x1b1'],
    ...'abcdefgklnopqrstuvwxyz'.split('').map((l): [string, string] => [`ctrl+${l}`, String.fromCharCode(l.charCodeAt(0) - 96)]),
  ];

  it('each one arrives under its own name through Ink; F1 and ctrl+h/i/j/m do not, so the keymap refuses them', async () => {
    const seen: string[] = [];
    const h = renderInk(<KeyEcho seen={seen} />);
    try {
      for (const [name, bytes] of BYTES) {
        expect(isDeliverableKey(name), name).toBe(true);
        const before = seen.length;
        await h.press(bytes);
        await waitFor(() => seen.length > before, 2000);
        expect(seen.at(-1), `${JSON.stringify(bytes)} should read as ${name}`).toBe(name);
      }
      // What the refused keys turn into: nothing a binding could name.
      const refused: Array<[string, string]> = [
        ['f1', '\x1bOP'],
        ['f1', '\x1b[11~'],
        ['f5', '\x1b[15~'],
        ['ctrl+h', '\x08'],
        ['ctrl+i', '\x09'],
        ['ctrl+m', '\x0d'],
      ];
      for (const [name, bytes] of refused) {
        expect(isDeliverableKey(name), name).toBe(false);
        const before = seen.length;
        await h.press(bytes);
        await waitFor(() => seen.length > before, 2000);
        expect(seen.at(-1), JSON.stringify(bytes)).not.toBe(name);
      }
      expect(seen.slice(-6, -3)).toEqual(['', '', '']); // a function key reaches useInput as nothing at all
    } finally {
      h.unmount();
    }
  });
});

describe('an extra emergency-stop key from the config (ctrl+x)', () => {
  const CTRL_X = '\x18';
  const mount = () => mountCockpit({ columns: 120, rows: 34, env: { TITAN_TUI_KEYMAP: '{"action.stopAll":["!","ctrl+x"]}' } });
  const prompt = (m: MountedCockpit) => m.controller.ui.getState().prompt;

  it('opens the stop from the cockpit; T and every letter of HALT can still be typed into it', async () => {
    c = mount();
    const plain = await c.waitForText('Containers');
    expect(plain.split('\n').at(-1)).toMatch(/^ ! STOP/); // the footer names `!`, which always works
    await c.press(CTRL_X);
    await c.waitForText('EMERGENCY FULL STOP');
    await c.type('Test drill T');
    await c.waitForText('Test drill T▌');
    await c.press(KEY.enter);
    await c.waitForText('Type HALT to confirm');
    await c.type('HALT');
    await c.waitForText('HALT▌');
    expect(prompt(c)).toMatchObject({ actionId: 'stop-all', reason: 'Test drill T', input: 'HALT' });
    // Inside the stop prompt, its own keys neither type nor reopen anything.
    await c.press(CTRL_X);
    await c.press('!');
    expect(prompt(c)).toMatchObject({ actionId: 'stop-all', input: 'HALT' });
    await c.press(KEY.escape);
    await c.waitForText('EMERGENCY FULL STOP: cancelled');
  });

  it('opens it from inside an armed HALT prompt, the log filter, the palette and the help screen; so does `!`', async () => {
    c = mount();
    await c.press('a');
    await c.waitForText('ARM THE COCKPIT');
    await c.press('ARM\r');
    await c.waitForFrame((p) => /ARMED \d+s/.test(p.split('\n')[0] ?? ''), 3000, 'ARMED');
    for (const key of [CTRL_X, '!']) {
      // The HALT prompt, at its word stage: typing HALT there must not be what stops it.
      await c.press('H');
      await c.waitForText('Reason (optional');
      await c.press(KEY.enter);
      await c.waitForFrame(() => prompt(c!)?.actionId === 'halt' && prompt(c!)?.stage === 'word', 3000, 'the HALT word stage');
      await c.type('HAL');
      await c.press(key);
      await c.waitForFrame(() => prompt(c!)?.actionId === 'stop-all', 3000, `the stop from the HALT prompt (${JSON.stringify(key)})`);
      await c.waitForText('EMERGENCY FULL STOP');
      await c.press(KEY.escape);
      await c.waitForText('EMERGENCY FULL STOP: cancelled');

      await c.press('/');
      await c.waitForText('filter /▌');
      await c.press(key);
      await c.waitForText('EMERGENCY FULL STOP');
      expect(c.controller.ui.getState().filterInput).toBeNull();
      await c.press(KEY.escape);
      await c.waitForText('cancelled');

      await c.press(':');
      await c.waitForText('Tab completes');
      await c.press(key);
      await c.waitForText('EMERGENCY FULL STOP');
      await c.press(KEY.escape);
      await c.waitForText('cancelled');

      await c.press('?');
      await c.waitForText('Help');
      await c.press(key);
      await c.waitForText('EMERGENCY FULL STOP');
      await c.press(KEY.escape);
      await c.waitForText('cancelled');
      await c.press(KEY.escape); // back from help
      await c.waitForFrame(() => c!.controller.ui.getState().screen === 'cockpit', 3000, 'the cockpit');
    }
    // The help screen lists both keys of the stop.
    await c.press('?');
    await c.waitForText('! / ctrl+x');
  });
});
