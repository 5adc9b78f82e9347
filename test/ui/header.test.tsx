/**
 * The header says what the system is doing beside what the cockpit is set to: SAFE (not armed)
 * next to HALTED while execution is halted, BREAKER ACTIVE while brain's breaker is tripped, and
 * BREAKER ? while the breaker's value is not known fresh.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type MountedCockpit, mountCockpit } from '../helpers/cockpit.js';
import { container } from '../helpers/offline-runtime.js';

let c: MountedCockpit | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

const header = (plain: string) => plain.split('\n')[0] ?? '';

describe('header: system state beside SAFE/ARMED', () => {
  for (const [columns, rows] of [
    [120, 34],
    [60, 16],
  ] as const) {
    it(`HALTED and BREAKER ACTIVE appear beside SAFE and go when lifted, at ${columns}×${rows}`, async () => {
      c = mountCockpit({ columns, rows });
      const { store } = c.rt;
      const now = Date.now();
      store.emit({ type: 'containers.sync', list: [container('titan-execution')], at: now });
      // Nothing read from brain yet: the breaker is unknown, and the header says so.
      let plain = await c.waitForFrame((p) => / SAFE $/.test(header(p)), 3000, 'SAFE');
      expect(header(plain)).toMatch(/ BREAKER \?\s+SAFE $/);
      expect(header(plain)).not.toContain('HALTED');

      store.emit({ type: 'conn', target: 'brain', state: { status: 'connected', since: now } });
      store.emit({
        type: 'breaker',
        status: { active: true, type: 'HARD', reason: 'drawdown' },
        source: 'status',
        at: Date.now(),
        dataAt: Date.now(),
      });
      store.emit({ type: 'haltFile', state: { present: true, content: 'EMERGENCY' }, at: Date.now() });
      plain = await c.waitForFrame((p) => header(p).includes('HALTED'), 3000, 'HALTED');
      expect(header(plain)).toMatch(/ HALTED\s+BREAKER ACTIVE\s+SAFE $/);
      expect(header(plain).length).toBeLessThanOrEqual(columns);

      store.emit({ type: 'breaker', status: { active: false }, source: 'status', at: Date.now(), dataAt: Date.now() });
      store.emit({ type: 'haltFile', state: { present: false }, at: Date.now() });
      plain = await c.waitForFrame((p) => !header(p).includes('HALTED') && !header(p).includes('BREAKER'), 3000, 'clear');
      expect(header(plain)).toMatch(/\d?s?\s+SAFE $/);

      // A reading older than its limit is no longer known.
      store.emit({ type: 'breaker', status: { active: true }, source: 'dashboard', at: Date.now(), dataAt: Date.now() - 60_000 });
      await c.waitForFrame((p) => header(p).includes('BREAKER ?'), 3000, 'BREAKER ?');
    });
  }

  it("HALTED from the engine's halt line while the halt file is not read", async () => {
    c = mountCockpit({ columns: 120, rows: 34 });
    c.rt.store.emit({
      type: 'evidence',
      line: {
        service: 'execution',
        kind: 'halt',
        patternId: 'exec-halt-activated',
        text: '🚨 SYSTEM HALT ACTIVATED: drill',
        at: Date.now(),
      },
    });
    await c.waitForFrame((p) => / HALTED\s+BREAKER \?\s+SAFE $/.test(header(p)), 3000, 'HALTED from the log');
    c.rt.store.emit({
      type: 'evidence',
      line: { service: 'execution', kind: 'lift', patternId: 'exec-halt-lifted', text: '✅ SYSTEM HALT LIFTED', at: Date.now() },
    });
    await c.waitForFrame((p) => !header(p).includes('HALTED'), 3000, 'lifted');
  });
});

describe('header: a server that is connected but stopped answering', () => {
  it('shows NATS◐ with how long it has been silent, the NATS halt path as failing, and NATS● again when it answers', async () => {
    c = mountCockpit({ columns: 160, rows: 34 });
    const { store } = c.rt;
    const since = Date.now() - 7_000;
    store.emit({ type: 'conn', target: 'nats', state: { status: 'connected', since: since - 60_000 } });
    await c.waitForFrame((p) => header(p).includes('NATS●'), 3000, 'NATS●');
    store.emit({ type: 'conn', target: 'nats', state: { status: 'connected', since: since - 60_000, silentSince: since, lastOk: since } });
    const plain = await c.waitForFrame((p) => /NATS◐ no answer [78]s/.test(header(p)), 3000, 'NATS◐ no answer 7s');
    expect(plain).toMatch(/✗ NATS halt .*\(NATS halt: no answer from NATS since \d\d:\d\d:\d\d; a halt sent now may not get through\)/);
    // The age counts on by itself (the header ticks each second while a server is silent).
    await c.waitForFrame((p) => /NATS◐ no answer (9|10)s/.test(header(p)), 4000, 'NATS◐ no answer 9s');
    store.emit({ type: 'conn', target: 'nats', state: { status: 'connected', since: since - 60_000, lastOk: Date.now() } });
    await c.waitForFrame((p) => header(p).includes('NATS●') && !header(p).includes('no answer'), 3000, 'NATS● again');
  });

  it('a silent Docker engine: DOCKER◐, and the panes it feeds say since when their data is', async () => {
    c = mountCockpit({ columns: 160, rows: 34 });
    const { store } = c.rt;
    const listedAt = Date.now() - 9_000;
    const since = Date.now() - 7_000;
    store.emit({ type: 'containers.sync', list: [container('titan-execution')], at: listedAt });
    store.emit({ type: 'conn', target: 'docker', state: { status: 'connected', since: listedAt, silentSince: since, lastOk: since } });
    const plain = await c.waitForFrame((p) => /DOCKER◐ no answer [78]s/.test(header(p)), 3000, 'DOCKER◐');
    const hhmmss = (t: number) => new Date(t).toTimeString().slice(0, 8);
    expect(plain).toContain(`as of ${hhmmss(listedAt)} · no answer since ${hhmmss(since)}`);
    expect(plain).toMatch(/✗ halt file/);
  });
});
