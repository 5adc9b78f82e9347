import { render } from 'ink';
import type { Runtime } from '../runtime.js';
import { App } from '../screens/App.js';
import { benchProbe } from './bench-log.js';
import { requireTerminal } from './cockpit-runtime.js';
import { composeCockpit } from './compose-cockpit.js';
import { RuntimeHost } from '../runtime-host.js';
import { raiseUiPriority, restoreUiPriority } from '../services/cpu-priority.js';
import type { Controller } from '../ui/controller.js';

/** The probes the health pane lists (src/runtime.ts). */
const HEALTH_PANE = ['brain', 'brain-status', 'execution'];

export interface CockpitOptions {
  /** The procedures act on a sandbox (the demo): its one-line description and the host commands' environment. */
  sandbox?: { description: string; env: NodeJS.ProcessEnv };
}

/** Opens the full-screen cockpit and resolves with the exit code when the operator quits. */
export async function runCockpit(first: Runtime, opts: CockpitOptions = {}): Promise<number> {
  const { config } = first;
  requireTerminal();
  let quit = () => {};
  // Contexts: `:context NAME` replaces the runtime whole (src/runtime-host.ts); everything below that
  // is bound to one runtime is built by mount() and dropped by its unmount.
  const host = new RuntimeHost(first);
  const bench = benchProbe();

  const mount = (rt: Runtime) => {
    const wiring = composeCockpit(rt, { sandbox: opts.sandbox, quit: () => quit() });
    const { controller } = wiring;
    controller.contextSwitch = (name) => void switchContext(controller, name);
    rt.logPane.attach(rt.contract.containers.execution);
    // Re-open the log stream when the followed container comes back (its stream ends when it stops).
    const unsubLogs = rt.store.subscribe((s, prev) => {
      if (s.containers === prev.containers || !rt.logPane.container) return;
      const c = s.containers.value.find((x) => x.name === rt.logPane.container);
      const p = prev.containers.value.find((x) => x.name === rt.logPane.container);
      if (c?.state === 'running' && (p?.state !== 'running' || p?.startedAt !== c.startedAt)) rt.logPane.reattach();
    });
    // A key's frame is drawn at once: Ink otherwise holds a frame up to 1000/maxFps ms after the last
    // one (under a log flood that was most keys, `!` included). Background updates stay throttled.
    const onKeyNow = controller.onKey.bind(controller);
    controller.onKey = (input, key) => {
      onKeyNow(input, key);
      void instance?.waitUntilRenderFlush();
    };
    const unwatch = bench.watch({ cockpit: rt.store as never, ui: controller.ui as never });
    bench.worker(rt.logWorker);
    if (bench.onRender) {
      const onKey = controller.onKey.bind(controller);
      controller.onKey = (input, key) => {
        bench.onKey();
        onKey(input, key);
      };
    }
    const unsubRedraw = controller.ui.subscribe((s, prev) => {
      if (s.redraw !== prev.redraw) instance?.clear();
    });
    return {
      rt,
      controller,
      unmount: () => {
        unwatch();
        unsubRedraw();
        unsubLogs();
        wiring.dispose();
      },
    };
  };

  first.start();
  let mounted = mount(first);
  // A switch waits while something is running in the old context; it never cuts an action short.
  host.busy = () => {
    if (mounted.controller.procedures?.busy) return 'a procedure is running: cancel it or let it finish first';
    if (mounted.rt.store.getState().actions.last?.outcome === 'RUNNING') return 'an action is running: wait for its report';
    return null;
  };
  host.onBeforeSwitch(() => mounted.unmount());
  host.onSwitched((next) => {
    mounted = mount(next);
    // A new key: every component subscribes to the new runtime's store and the new controller's UI.
    instance?.rerender(<App key={next.context?.name ?? ''} ctx={{ rt: next, controller: mounted.controller }} />);
  });
  const switchContext = async (from: Controller, name: string | null) => {
    if (name === null) return from.notice(host.describe());
    from.notice(`switching to context ${name}…`);
    const r = await host.switchTo(name);
    mounted.controller.notice(r.message, r.ok ? 'info' : 'error');
  };

  // "Complete" = the first frame with every pane filled: containers listed, the halt file read, the
  // breaker and every health probe answered (a value or an error).
  const complete = () => {
    const s = host.current.store.getState();
    const filled = (x: { at: number | null; errorAt?: number }) => x.at !== null || x.errorAt !== undefined;
    return filled(s.containers) && filled(s.haltFile) && filled(s.breaker) && HEALTH_PANE.every((n) => s.probes[n] !== undefined);
  };
  // The first frame waits until it is complete or FIRST_FRAME_WAIT_MS have passed: each partial frame
  // before it cost 40-60 ms of a cold JIT that the answers then waited behind (bench: start-up).
  await firstData(complete, first.store.subscribe, FIRST_FRAME_WAIT_MS);
  // Keys answer while a flood saturates the cores (src/services/cpu-priority.ts); put back at the end.
  if (config.ui.cpuPriority === 'raised') raiseUiPriority();
  let instance: ReturnType<typeof render> | null = null;
  instance = render(<App key={first.context?.name ?? ''} ctx={{ rt: first, controller: mounted.controller }} />, {
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
  const ink = instance;
  quit = () => ink.unmount();

  // Never exit on our own: a stray error in a callback becomes a visible notice, not a crash.
  const onError = (e: unknown) =>
    mounted.controller.notice(`internal error (cockpit keeps running): ${(e as Error)?.message ?? String(e)}`, 'error');
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  const onSignal = () => ink.unmount();
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  try {
    await ink.waitUntilExit();
  } finally {
    restoreUiPriority();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    mounted.unmount();
    await Promise.race([host.stop(), new Promise((r) => setTimeout(r, 1500))]);
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  }
  return 0;
}

/** Longest wait for the first complete state before the first frame is drawn anyway. */
const FIRST_FRAME_WAIT_MS = 400;

/** Resolves when `ready()` holds (checked at each store change) or after `limitMs`. */
function firstData(ready: () => boolean, subscribe: (cb: () => void) => () => void, limitMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (ready()) return resolve();
    const done = () => {
      clearTimeout(timer);
      off();
      resolve();
    };
    const timer = setTimeout(done, limitMs);
    const off = subscribe(() => {
      if (ready()) done();
    });
  });
}

/** Runs the cockpit on a runtime already started (./cockpit-runtime.ts) and exits when it quits. */
export async function cockpitCommand(rt: Runtime): Promise<number> {
  const code = await runCockpit(rt);
  // Sockets (dockerode keep-alive, NATS) must not keep a quitting cockpit alive.
  setTimeout(() => process.exit(code), 200).unref();
  return code;
}
