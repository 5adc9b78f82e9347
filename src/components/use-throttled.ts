import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { StoreApi } from 'zustand/vanilla';

/**
 * Subscribes to a store slice, but is told of changes at most every `ms` (trailing edge). For a
 * log flood: the pane redraws a few times a second, not at every 50 ms batch. Any other redraw
 * (a key) still reads the current value.
 */
export function useThrottled<S, T>(store: StoreApi<S>, selector: (s: S) => T, ms: number): T {
  const select = useRef(selector);
  select.current = selector;
  // A stable subscribe function: a new one per render would resubscribe (and reset the throttle) every time.
  const subscribe = useCallback(
    (onChange: () => void) => {
      let timer: NodeJS.Timeout | null = null;
      let last = 0;
      const unsub = store.subscribe(() => {
        if (timer) return;
        timer = setTimeout(
          () => {
            timer = null;
            last = Date.now();
            onChange();
          },
          Math.max(0, last + ms - Date.now()),
        );
      });
      return () => {
        unsub();
        if (timer) clearTimeout(timer);
      };
    },
    [store, ms],
  );
  return useSyncExternalStore(subscribe, () => select.current(store.getState()));
}
