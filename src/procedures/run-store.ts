/**
 * The cockpit's procedure run lives in the domain store (CockpitState.procedure), not in a store of
 * its own: this gives the runner the small store interface it writes to, over that slice. The
 * command line's `titan-tui run` keeps a plain store of its own (there is no cockpit there).
 */
import type { CockpitStore } from '../state/store.js';
import { idleRunState } from './idle-run.js';
import type { RunStore } from './runner.js';
import type { RunState } from './types.js';

export function procedureRunStore(store: CockpitStore): RunStore {
  const get = (): RunState => store.getState().procedure;
  const api: RunStore = {
    getState: get,
    getInitialState: idleRunState,
    setState: (partial, replace) => {
      const prev = get();
      const next = typeof partial === 'function' ? partial(prev) : partial;
      store.emit({ type: 'procedure.run', state: replace ? (next as RunState) : { ...prev, ...next } });
    },
    subscribe: (listener) =>
      store.subscribe((s, p) => {
        if (s.procedure !== p.procedure) listener(s.procedure, p.procedure);
      }),
  };
  return api;
}
