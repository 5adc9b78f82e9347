/**
 * Mounts the whole cockpit (App + Controller + keymap + action layer) on an offline Runtime in the
 * fake terminal, wired as src/cli/cockpit-command.tsx wires it (minus rt.start() and the real tty).
 */
import { ActionLayer } from '../../src/actions/layer.js';
import { buildKeymap } from '../../src/keymap/keymap.js';
import { App } from '../../src/screens/App.js';
import { Controller } from '../../src/screens/controller.js';
import { createUiStore } from '../../src/screens/ui-store.js';
import { type InkHarness, renderInk } from './ink-harness.js';
import { type OfflineRuntime, offlineRuntime } from './offline-runtime.js';

export interface MountedCockpit extends InkHarness {
  off: OfflineRuntime;
  rt: OfflineRuntime['rt'];
  controller: Controller;
  /** Times the app asked to quit. */
  quits: () => number;
  /** Unmounts, disposes the controller, stops the runtime and removes the temp dir. */
  cleanup: () => Promise<void>;
}

export function mountCockpit(
  opts: { columns?: number; rows?: number; flags?: Record<string, string | boolean>; env?: Record<string, string> } = {},
): MountedCockpit {
  const off = offlineRuntime(opts.flags, opts.env);
  const { rt } = off;
  const { bindings, problems } = buildKeymap(rt.config.keymap, rt.config.readOnly);
  if (problems.length) throw new Error(`keymap problems: ${JSON.stringify(problems)}`);
  const ui = createUiStore();
  const actions = rt.config.readOnly ? null : new ActionLayer(rt, false);
  let quitCount = 0;
  const controller = new Controller(rt, ui, bindings, actions, () => quitCount++);
  const h = renderInk(<App ctx={{ rt, controller }} />, { columns: opts.columns ?? 80, rows: opts.rows ?? 24 });
  return {
    ...h,
    off,
    rt,
    controller,
    quits: () => quitCount,
    cleanup: async () => {
      h.unmount();
      controller.dispose();
      await off.cleanup();
    },
  };
}
