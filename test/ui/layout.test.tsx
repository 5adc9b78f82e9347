/**
 * The cockpit's layout in a fake terminal with real rows and columns: every pane at 80×24 and
 * 200×50, the frame clamped to the terminal, the narrow layout at ≤ 84 columns, reflow on resize,
 * the too-small screen, and a source that goes down keeping its data greyed with "as of".
 */
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { hhmmss } from '../../src/components/format.js';
import { type MountedCockpit, mountCockpit } from '../helpers/cockpit.js';
import { container } from '../helpers/offline-runtime.js';

const PANES = ['Containers', 'Execution halt', 'Circuit breaker', 'Health', 'Logs'];
const BADGES = ['NATS', 'DOCKER', 'BRAIN', 'EXEC'];

let c: MountedCockpit | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

/** Every line fits the terminal: no more lines than rows, no line wider than the columns. */
function expectClamped(plain: string, columns: number, rows: number) {
  const lines = plain.split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows);
  for (const l of lines) expect([...l].length).toBeLessThanOrEqual(columns);
}

const hasAllPanes = (plain: string) => PANES.every((t) => plain.includes(`┌ ${t}`) || plain.includes(`┌─ ${t}`));

describe('cockpit layout', () => {
  for (const [columns, rows] of [
    [80, 24],
    [200, 50],
  ] as const) {
    it(`shows every pane, the badges and SAFE at ${columns}×${rows}, clamped to the terminal`, async () => {
      c = mountCockpit({ columns, rows });
      const plain = await c.waitForFrame(hasAllPanes, 3000, 'all five pane titles');
      for (const b of BADGES) expect(plain).toMatch(new RegExp(`\\b${b}[●✕◌]`));
      expect(plain.split('\n')[0]).toMatch(/ SAFE $/);
      // The root box is the terminal's size: exactly `rows` lines, none wider than `columns`.
      expect(plain.split('\n')).toHaveLength(rows);
      expectClamped(plain, columns, rows);
      // Titles sit in the top border (a child pulled over a border with marginTop -1 was clipped).
      for (const t of PANES) expect(plain).toMatch(new RegExp(`┌─? ${t}`));
    });
  }

  it('stays clamped with a notice, an action banner and an audit alarm at the minimum size', async () => {
    c = mountCockpit({ columns: 60, rows: 16 });
    await c.waitForText('Containers');
    c.rt.store.emit({ type: 'audit.error', error: 'audit log not written: EACCES', at: Date.now() });
    c.rt.store.emit({
      type: 'action.report',
      report: {
        id: 'r',
        action: 'halt',
        startedAt: 1,
        finishedAt: 2,
        outcome: 'FAILED',
        summary: 'NATS down',
        channels: [{ channel: 'nats', outcome: 'FAILED', detail: 'not connected' }],
        next: 'EMERGENCY FULL STOP (!)',
      },
    });
    await c.press('H'); // SAFE: a notice line
    const plain = await c.waitForFrame(
      (p) => p.includes('AUDIT ALARM') && p.includes('next: EMERGENCY') && p.includes('SAFE mode'),
      3000,
      'alarm, banner and notice',
    );
    expectClamped(plain, 60, 16);
    expect(plain.split('\n').at(-1)).toContain('! STOP');
  });

  it('uses the narrow layout at ≤ 84 columns and the wide one above, and reflows at once on resize', async () => {
    c = mountCockpit({ columns: 200, rows: 50 });
    // Wide: the logs pane is to the right of the containers pane, on the same line.
    await c.waitForFrame((p) => /┌─? Containers.*┌─? Logs/.test(p), 3000, 'the wide layout');
    await c.resize(80, 24);
    let plain = await c.waitForFrame((p) => /┌─? Containers.*┌─? Health/.test(p), 3000, 'the narrow layout at 80 columns');
    expect(plain).not.toMatch(/Containers.*Logs/);
    expect(hasAllPanes(plain)).toBe(true);
    expectClamped(plain, 80, 24);
    await c.resize(84, 30);
    plain = await c.waitForFrame((p) => p.split('\n')[0]?.length === 84, 3000, 'an 84-column frame');
    expect(plain).toMatch(/┌─? Containers.*┌─? Health/);
    await c.resize(85, 30);
    plain = await c.waitForFrame((p) => p.split('\n')[0]?.length === 85, 3000, 'an 85-column frame');
    expect(plain).toMatch(/┌─? Containers.*┌─? Logs/);
    expectClamped(plain, 85, 30);
  });

  it('below 60×16 says exactly what is missing, and resizing back shows the cockpit', async () => {
    c = mountCockpit({ columns: 50, rows: 10 });
    const plain = await c.waitForText('too small');
    expect(plain.split('\n')[0]).toBe('too small: need 60×16, have 50×10');
    expectClamped(plain, 50, 10);
    await c.resize(80, 24);
    const back = await c.waitForFrame(hasAllPanes, 3000, 'the cockpit again');
    expect(back).not.toContain('too small');
    await c.resize(59, 24);
    expect((await c.waitForText('too small')).split('\n')[0]).toBe('too small: need 60×16, have 59×24');
  });

  it('still shows the emergency stop prompt when the terminal is too small', async () => {
    c = mountCockpit({ columns: 50, rows: 10 });
    await c.waitForText('too small');
    await c.press('!');
    await c.waitForText('EMERGENCY FULL STOP');
    await c.press('\r'); // no reason
    const plain = await c.waitForText('Type HALT to confirm');
    expectClamped(plain, 50, 10);
  });

  it('keeps the data of a source that went down, greyed, "as of" the last time it was seen', async () => {
    c = mountCockpit({ columns: 80, rows: 24 });
    const at = Date.now() - 5000;
    c.rt.store.emit({ type: 'conn', target: 'docker', state: { status: 'connected', since: at } });
    c.rt.store.emit({ type: 'containers.sync', list: [container('titan-execution'), container('titan-brain')], at });
    await c.waitForText('titan-brain');
    const brainLine = () =>
      c!
        .lastFrame()
        .split('\n')
        .find((l) => l.includes('titan-brain')) ?? '';
    expect(brainLine()).toContain('\x1b[32m'); // running, in green while live
    expect(c.text()).not.toContain('as of');

    c.rt.store.emit({
      type: 'conn',
      target: 'docker',
      state: { status: 'disconnected', since: Date.now(), error: 'connect ENOENT /tmp/does-not-exist.sock' },
    });
    const plain = await c.waitForText(`as of ${hhmmss(at)}`);
    expect(plain).toContain('titan-execution');
    expect(plain).toContain('titan-brain');
    expect(plain).toMatch(/DOCKER✕/);
    // Greyed: the row is drawn in the stale colour, no state colour left.
    expect(brainLine()).toContain('\x1b[90m');
    expect(brainLine()).not.toContain('\x1b[32m');
    expect(stripVTControlCharacters(brainLine())).toContain('running');
  });
});
