/**
 * Mounts the whole cockpit on an offline Runtime in the fake terminal, with the wiring that ships
 * (src/cli/compose-cockpit.ts: keymap, action layer, procedures, controller), minus rt.start() and the tty.
 */
import { composeCockpit } from '../../src/cli/compose-cockpit.js';
import { App } from '../../src/screens/App.js';
import type { Controller } from '../../src/ui/controller.js';
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
  opts: {
    columns?: number;
    rows?: number;
    flags?: Record<string, string | boolean>;
    env?: Record<string, string>;
    sandbox?: { description: string; env: NodeJS.ProcessEnv };
  } = {},
): MountedCockpit {
  const off = offlineRuntime(opts.flags, opts.env);
  const { rt } = off;
  let quitCount = 0;
  // The shipped wiring (src/cli/compose-cockpit.ts): keymap, actions, procedures, controller.
  const wiring = composeCockpit(rt, { quit: () => quitCount++, ...(opts.sandbox ? { sandbox: opts.sandbox } : {}) });
  const { controller } = wiring;
  const h = renderInk(<App ctx={{ rt, controller }} />, { columns: opts.columns ?? 80, rows: opts.rows ?? 24 });
  return {
    ...h,
    off,
    rt,
    controller,
    quits: () => quitCount,
    cleanup: async () => {
      h.unmount();
      wiring.dispose();
      await off.cleanup();
    },
  };
}
