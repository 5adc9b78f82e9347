import { describe, expect, it } from 'vitest';
import { createCockpitStore, initialState, reduce } from '../../src/state/store.js';

describe('cockpit store', () => {
  it('a confirmation that changes nothing keeps the value objects (no redraw), and records the time', () => {
    const store = createCockpitStore();
    store.emit({ type: 'haltFile', state: { present: false }, at: 1000 });
    const before = store.getState().haltFile;
    store.emit({ type: 'haltFile', state: { present: false }, at: 3000 });
    expect(store.getState().haltFile).toBe(before);
    expect(store.getState().confirmed.haltFile).toBe(3000);
    store.emit({ type: 'haltFile', state: { present: true, content: 'x' }, at: 5000 });
    expect(store.getState().haltFile).not.toBe(before);
    expect(store.getState().haltFile.value).toEqual({ present: true, content: 'x' });
  });

  it('an error is cleared by the next good reading, even when the value is unchanged', () => {
    let s = reduce(initialState(0), { type: 'breaker', status: { active: false }, source: 'status', at: 1, dataAt: 1 });
    s = reduce(s, { type: 'breaker.error', error: 'timeout', at: 2 });
    expect(s.breaker.error).toBe('timeout');
    s = reduce(s, { type: 'breaker', status: { active: false }, source: 'status', at: 3, dataAt: 3 });
    expect(s.breaker.error).toBeUndefined();
  });

  it('keeps the last container list when Docker fails, and bounds histories', () => {
    let s = reduce(initialState(0), {
      type: 'containers.sync',
      list: [
        {
          id: '1',
          name: 'titan-execution',
          image: 'x',
          state: 'running',
          health: 'none',
          startedAt: '',
          finishedAt: '',
          exitCode: null,
          restartCount: 0,
          tty: false,
        },
      ],
      at: 1,
    });
    s = reduce(s, { type: 'containers.error', error: 'engine down', at: 2 });
    expect(s.containers.value).toHaveLength(1);
    expect(s.containers.error).toBe('engine down');
    for (let i = 0; i < 300; i++) s = reduce(s, { type: 'audit.appended', entry: { id: String(i) } as never });
    expect(s.audit.recent.length).toBe(200);
    expect(s.audit.recent.at(-1)?.id).toBe('299');
  });
});
