/**
 * Single panes with ink-testing-library (fixed 100 columns; panes take explicit width and height),
 * and the action banner inside the whole cockpit.
 */
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { BreakerPane } from '../../src/components/BreakerPane.js';
import { ContainersPane } from '../../src/components/ContainersPane.js';
import { HaltPane } from '../../src/components/HaltPane.js';
import { buildKeymap } from '../../src/keymap/keymap.js';
import { AppContext } from '../../src/ui/context.js';
import { Controller } from '../../src/ui/controller.js';
import { createUiStore } from '../../src/ui/ui-store.js';
import { onlySgrEscapes } from '../../src/services/logs/sanitize.js';
import type { ActionReport } from '../../src/state/types.js';
import { type MountedCockpit, mountCockpit } from '../helpers/cockpit.js';
import { container, type OfflineRuntime, offlineRuntime } from '../helpers/offline-runtime.js';

let off: OfflineRuntime | undefined;
let c: MountedCockpit | undefined;
const unmounts: Array<() => void> = [];
afterEach(async () => {
  for (const u of unmounts.splice(0)) u();
  await off?.cleanup();
  await c?.cleanup();
  off = undefined;
  c = undefined;
});

/** Renders one pane with ink-testing-library inside the app context of an offline runtime. */
function renderPane(node: React.ReactNode) {
  off = offlineRuntime();
  const { rt } = off;
  const controller = new Controller(rt, createUiStore(), buildKeymap({}, false).bindings, null, () => {});
  const r = render(<AppContext.Provider value={{ rt, controller }}>{node}</AppContext.Provider>);
  unmounts.push(r.unmount);
  return { ...r, rt, controller };
}

/** The plain text of the last frame (the cockpit harness in this file turns colours on). */
const frame = (r: { lastFrame: () => string | undefined }) => stripVTControlCharacters(r.lastFrame() ?? '');

async function until(r: { lastFrame: () => string | undefined }, pred: (f: string) => boolean, what: string) {
  const deadline = Date.now() + 3000;
  while (!pred(frame(r))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${frame(r)}`);
    await new Promise((res) => setImmediate(res));
  }
  return frame(r);
}

describe('panes (ink-testing-library)', () => {
  it('ContainersPane lists containers in its size, marks the selection and the followed one', async () => {
    const r = renderPane(<ContainersPane height={4} width={50} narrow={false} />);
    expect(frame(r)).toContain('waiting for Docker');
    const now = Date.now();
    r.rt.store.emit({ type: 'conn', target: 'docker', state: { status: 'connected', since: now } });
    r.rt.store.emit({
      type: 'containers.sync',
      list: [
        container('titan-execution'),
        container('titan-brain', { state: 'exited', exitCode: 137, health: 'none' }),
        container('titan-nats'),
      ],
      at: now,
    });
    r.rt.store.emit({ type: 'logs.attached', container: 'titan-brain', at: now });
    const f = await until(r, (x) => x.includes('titan-brain'), 'the list');
    const lines = f.split('\n');
    expect(lines).toHaveLength(4); // the height it was given
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(50);
    expect(lines[0]).toMatch(/Containers.*3/);
    expect(f).toMatch(/»titan-brain\s+exited.*exit 137/);
    // Three containers, two rows (4 high: the title line and the bottom border), so the third is out of view.
    expect(f).not.toContain('titan-nats');
    r.controller.ui.setState({ selected: 2 });
    await until(r, (x) => x.includes('titan-nats'), 'the selection scrolled into view');
  });

  it('HaltPane shows the halt file as the engine reports it, without letting its bytes reach the terminal', async () => {
    const r = renderPane(<HaltPane height={6} width={70} />);
    expect(frame(r)).toContain('UNKNOWN (halt file not read yet)');
    r.rt.store.emit({ type: 'conn', target: 'docker', state: { status: 'connected', since: Date.now() } });
    r.rt.store.emit({
      type: 'haltFile',
      state: { present: true, content: '{"reason":"drill \x1b]8;;http://evil\x1b\\\\x\x1b]8;;\x1b\\\\ \x9b2J"}' },
      at: Date.now(),
    });
    const f = await until(r, (x) => x.includes('HALTED'), 'HALTED');
    expect(f).toContain('HALTED — halt file present');
    expect(f).toContain('/app/system.halt');
    expect(f).toContain('drill');
    for (const l of (r.lastFrame() ?? '').split('\n')) expect(onlySgrEscapes(l), JSON.stringify(l)).toBe(true);
  });

  it('BreakerPane shows an active breaker with its reason, and "as of" once brain is down', async () => {
    const r = renderPane(<BreakerPane height={5} width={70} />);
    const at = Date.now();
    r.rt.store.emit({ type: 'conn', target: 'brain', state: { status: 'connected', since: at } });
    r.rt.store.emit({
      type: 'breaker',
      status: { active: true, type: 'HARD', action: 'HALT', reason: 'daily drawdown 5.2%', tripCount: 2 },
      source: 'status',
      at,
      dataAt: at,
    });
    let f = await until(r, (x) => x.includes('ACTIVE'), 'ACTIVE');
    expect(f).toContain('ACTIVE HARD HALT');
    expect(f).toContain('reason: daily drawdown 5.2%');
    expect(f).toContain('trips 2');
    r.rt.store.emit({ type: 'conn', target: 'brain', state: { status: 'disconnected', since: Date.now() } });
    f = await until(r, (x) => x.includes('as of'), 'as of');
    expect(f).toContain('ACTIVE HARD HALT'); // kept
  });

  it('BreakerPane: a dashboard reading with an old lastUpdated is UNKNOWN with its last known value, never a current "inactive"', async () => {
    const r = renderPane(<BreakerPane height={5} width={90} />);
    const old = Date.now() - 47_000;
    r.rt.store.emit({ type: 'conn', target: 'brain', state: { status: 'connected', since: Date.now() } });
    r.rt.store.emit({ type: 'breaker', status: { active: false }, source: 'dashboard', at: Date.now(), dataAt: old });
    const f = await until(r, (x) => x.includes('last known'), 'UNKNOWN with the last known value');
    expect(f).toMatch(/last reading is 47 s old \(from the dashboard subject; limit 10 s\)/);
    expect(f).toContain(`last known: inactive as of ${new Date(old).toTimeString().slice(0, 8)}`);
    expect(f).not.toMatch(/^\s*│?inactive/m);
  });

  it('BreakerPane: a fresh reading turns UNKNOWN by itself when it passes its age limit, with no new event', async () => {
    const r = renderPane(<BreakerPane height={5} width={90} />);
    r.rt.store.emit({ type: 'conn', target: 'brain', state: { status: 'connected', since: Date.now() } });
    r.rt.store.emit({ type: 'breaker', status: { active: false }, source: 'status', at: Date.now(), dataAt: Date.now() - 9_400 });
    expect(await until(r, (x) => x.includes('inactive'), 'inactive')).toContain('from /status');
    const f = await until(r, (x) => x.includes('UNKNOWN'), 'UNKNOWN after the limit');
    expect(f).toMatch(/last reading is 1\d s old \(from brain \/status/);
  });

  it('BreakerPane: no reading at all is UNKNOWN, saying so', async () => {
    const r = renderPane(<BreakerPane height={5} width={90} />);
    expect(await until(r, (x) => x.includes('UNKNOWN'), 'UNKNOWN')).toContain('no reading from brain yet');
  });
});

describe('action banner', () => {
  const report = (at: number): ActionReport => ({
    id: 'r1',
    action: 'halt',
    startedAt: at,
    finishedAt: at + 2100,
    outcome: 'NOT_CONFIRMED',
    summary: 'published; the engine has not confirmed',
    channels: [
      { channel: 'nats', outcome: 'VERIFIED', detail: 'published titan.cmd.sys.halt.v1', latencyMs: 3 },
      { channel: 'engine', outcome: 'NOT_CONFIRMED', detail: 'no SYSTEM HALT ACTIVATED line in 8 s' },
    ],
    next: 'EMERGENCY FULL STOP (!): halt file + restart execution; then KILL SWITCH',
  });

  it('shows the outcome per channel and the next step (200×50)', async () => {
    c = mountCockpit({ columns: 200, rows: 50 });
    c.rt.store.emit({ type: 'action.report', report: report(Date.now()) });
    const plain = await c.waitForText('next: EMERGENCY FULL STOP');
    expect(plain).toContain('HALT: SENT BUT NOT CONFIRMED in 2100 ms — published; the engine has not confirmed');
    expect(plain).toMatch(/ {2}nats: VERIFIED \(3 ms\) published titan\.cmd\.sys\.halt\.v1/);
    expect(plain).toMatch(/ {2}engine: SENT BUT NOT CONFIRMED no SYSTEM HALT ACTIVATED line in 8 s/);
    expect(plain).toContain('last: halt NOT_CONFIRMED'); // the halt pane too
    expect(plain.split('\n')).toHaveLength(50);
  });

  it('keeps the next step when space is short (80×24) and counts the hidden channels', async () => {
    c = mountCockpit({ columns: 80, rows: 24 });
    const r = report(Date.now());
    const extra = ['halt file', 'legacy', 'audit'].map((channel) => ({ channel, outcome: 'VERIFIED' as const, detail: 'ok' }));
    c.rt.store.emit({ type: 'action.report', report: { ...r, channels: [...r.channels, ...extra] } });
    const plain = await c.waitForText('next: EMERGENCY FULL STOP');
    expect(plain).toContain('(+4 more, A: audit)'); // the headline wraps to two rows at 80 columns
    expect(plain).toContain('nats: VERIFIED');
    expect(plain.split('\n')).toHaveLength(24);
    expect(plain.split('\n').at(-1)).toContain('! STOP');
  });
});

describe('list window', () => {
  it('a list longer than its pane says how many rows are above and below, and keeps the selection in view', async () => {
    const r = renderPane(<ContainersPane height={7} width={60} narrow={false} />);
    const now = Date.now();
    r.rt.store.emit({ type: 'conn', target: 'docker', state: { status: 'connected', since: now } });
    const names = Array.from({ length: 10 }, (_, i) => `svc-${i}`);
    r.rt.store.emit({ type: 'containers.sync', list: names.map((n) => container(n)), at: now });
    let f = await until(r, (x) => x.includes('svc-0'), 'the list');
    expect(f).toContain('↓ 6 more'); // 5 rows: 4 containers and the hint
    expect(f).not.toContain('↑');
    r.controller.ui.setState({ selected: 5 });
    f = await until(r, (x) => x.includes('svc-5'), 'the selection in view');
    expect(f).toMatch(/↑ \d+ more/);
    expect(f).toMatch(/↓ \d+ more/);
    r.controller.ui.setState({ selected: 9 });
    f = await until(r, (x) => x.includes('svc-9'), 'the last row');
    expect(f).toContain('↑ 6 more');
    expect(f).not.toContain('↓');
  });
});
