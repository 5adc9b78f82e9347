import { render } from 'ink';
import { ActionLayer } from '../actions/layer.js';
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import { buildKeymap } from '../keymap/keymap.js';
import { ProcedureSession } from '../procedures/session.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { App } from '../screens/App.js';
import { Controller } from '../screens/controller.js';
import { createUiStore } from '../screens/ui-store.js';
import { benchProbe } from './bench-log.js';

export interface CockpitOptions {
  /** The procedures act on a sandbox (the demo): its one-line description and the host commands' environment. */
  sandbox?: { description: string; env: NodeJS.ProcessEnv };
}

/** Opens the full-screen cockpit and resolves with the exit code when the operator quits. */
export async function runCockpit(rt: Runtime, opts: CockpitOptions = {}): Promise<number> {
  const { config } = rt;
  const { bindings, problems } = buildKeymap(config.keymap, config.readOnly);
  if (problems.length) {
    const p = problems[0] as { command: string; message: string };
    throw new ConfigError(`invalid setting keymap.${p.command}: ${p.message}`);
  }
  if (!process.stdin.isTTY) throw new ConfigError('the cockpit needs a terminal (stdin is not a TTY); use `titan-tui status` for scripts');
  const ui = createUiStore();
  const actions = config.readOnly ? null : new ActionLayer(rt, false);
  let quit = () => {};
  // Destructive procedure steps follow the same SAFE/ARMED rule as the actions.
  let controllerRef: Controller | null = null;
  const procedures = new ProcedureSession({
    deps: rt,
    readOnly: config.readOnly,
    gate: () => (controllerRef?.isArmed() ? null : 'SAFE mode: press a and type ARM first'),
    env: opts.sandbox?.env,
    sandbox: opts.sandbox?.description,
  });
  const controller = new Controller(rt, ui, bindings, actions, () => quit(), procedures);
  controllerRef = controller;

  rt.start();
  rt.logPane.attach(rt.contract.containers.execution);
  // Re-open the log stream when the followed container comes back (its stream ends when it stops).
  const unsubLogs = rt.store.subscribe((s, prev) => {
    if (s.containers === prev.containers || !rt.logPane.container) return;
    const c = s.containers.value.find((x) => x.name === rt.logPane.container);
    const p = prev.containers.value.find((x) => x.name === rt.logPane.container);
    if (c?.state === 'running' && (p?.state !== 'running' || p?.startedAt !== c.startedAt)) rt.logPane.reattach();
  });

  const bench = benchProbe();
  if (bench.onRender) {
    const onKey = controller.onKey.bind(controller);
    controller.onKey = (input, key) => {
      bench.onKey();
      onKey(input, key);
    };
  }
  // "Complete" = the first frame with containers listed and the halt file read.
  const complete = () => rt.store.getState().containers.at !== null && rt.store.getState().haltFile.at !== null;
  const instance = render(<App ctx={{ rt, controller }} />, {
    onRender: bench.onRender?.(complete),
    alternateScreen: true,
    // Ink turns interactive rendering off when it thinks it runs in CI (CI=true and friends);
    // an operator's terminal is a terminal whatever the environment says.
    interactive: process.stdout.isTTY === true,
    incrementalRendering: true,
    maxFps: config.ui.maxFps,
    exitOnCtrlC: false,
    patchConsole: true,
  });
  quit = () => instance.unmount();
  const unsubRedraw = ui.subscribe((s, prev) => {
    if (s.redraw !== prev.redraw) instance.clear();
  });

  // Never exit on our own: a stray error in a callback becomes a visible notice, not a crash.
  const onError = (e: unknown) =>
    controller.notice(`internal error (cockpit keeps running): ${(e as Error)?.message ?? String(e)}`, 'error');
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  const onSignal = () => instance.unmount();
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    unsubRedraw();
    unsubLogs();
    controller.dispose();
    procedures.dispose();
    await Promise.race([rt.stop(), new Promise((r) => setTimeout(r, 1500))]);
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  }
  return 0;
}

export async function cockpitCommand(loaded: LoadedConfig): Promise<number> {
  const rt = createRuntime(loaded);
  const code = await runCockpit(rt);
  // Sockets (dockerode keep-alive, NATS) must not keep a quitting cockpit alive.
  setTimeout(() => process.exit(code), 200).unref();
  return code;
}
