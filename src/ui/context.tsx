import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { Runtime } from '../runtime.js';
import type { CockpitState } from '../state/store.js';
import type { Controller } from './controller.js';
import type { UiState } from './ui-store.js';

export interface AppCtx {
  rt: Runtime;
  controller: Controller;
}

export const AppContext = createContext<AppCtx | null>(null);

export function useApp(): AppCtx {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('AppContext missing');
  return ctx;
}

/** Subscribe to a slice of the cockpit store; re-renders only when that slice changes. */
export function useCockpit<T>(selector: (s: CockpitState) => T): T {
  return useStore(useApp().rt.store, selector);
}

export function useUi<T>(selector: (s: UiState) => T): T {
  return useStore(useApp().controller.ui, selector);
}
