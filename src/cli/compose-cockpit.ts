/**
 * The cockpit's wiring, in one place: keymap, action layer, procedures session and controller on a
 * runtime. The shipped command (cockpit-command.tsx) and the UI test harness both build the
 * cockpit with it, so the tests drive exactly the wiring that ships.
 */
import { ActionLayer } from '../actions/layer.js';
import { ConfigError } from '../config/load.js';
import { buildKeymap } from '../keymap/keymap.js';
import { ProcedureSession } from '../procedures/session.js';
import type { Runtime } from '../runtime.js';
import { Controller } from '../ui/controller.js';
import { createUiStore } from '../ui/ui-store.js';
import { isArmed, SAFE_REFUSAL } from '../state/arm.js';

export interface CockpitWiring {
  controller: Controller;
  procedures: ProcedureSession;
  dispose: () => void;
}

export interface WiringOptions {
  /** The procedures act on a sandbox (the demo): its one-line description and the host commands' environment. */
  sandbox?: { description: string; env: NodeJS.ProcessEnv };
  quit: () => void;
}

export function composeCockpit(rt: Runtime, opts: WiringOptions): CockpitWiring {
  const { config } = rt;
  const { bindings, problems } = buildKeymap(config.keymap, config.readOnly);
  if (problems.length) {
    const p = problems[0] as { command: string; message: string };
    throw new ConfigError(`invalid setting keymap.${p.command}: ${p.message}`);
  }
  const actions = config.readOnly ? null : new ActionLayer(rt);
  // Destructive procedure steps follow the same SAFE/ARMED rule as the actions: the arm state is in the store.
  const procedures = new ProcedureSession({
    deps: rt,
    readOnly: config.readOnly,
    gate: () => (isArmed(rt.store.getState()) ? null : `${SAFE_REFUSAL} (a, then ARM)`),
    env: opts.sandbox?.env,
    sandbox: opts.sandbox?.description,
  });
  const controller = new Controller(rt, createUiStore(), bindings, actions, opts.quit, procedures);
  return {
    controller,
    procedures,
    dispose: () => {
      controller.dispose();
      procedures.dispose();
      actions?.dispose();
    },
  };
}
