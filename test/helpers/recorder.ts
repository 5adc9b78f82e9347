import type { CockpitEvent } from '../../src/state/events.js';
import { createCockpitStore } from '../../src/state/store.js';

/** A real store fed by a service's emit, with every event kept in order for the test to read. */
export function recorder() {
  const store = createCockpitStore();
  const events: CockpitEvent[] = [];
  const emit = (e: CockpitEvent) => {
    events.push(e);
    store.emit(e);
  };
  return { store, events, emit };
}
