/**
 * The context switcher: one runtime at a time, and switching replaces it whole.
 *
 * A switch (`:context NAME`) loads NAME's configuration (the same file, environment and flags as
 * the start), builds its runtime, lets the cockpit drop everything tied to the old one (prompt,
 * arming, action follow-ups, procedures: `before`), stops the old runtime (its lifetime signal,
 * timers, NATS and Docker connections, SSH sessions, log streams) and starts the new one, which
 * begins SAFE with an empty store (`after`). A switch is refused, and nothing changes, while an
 * action or a procedure is running, or when the context does not load.
 *
 * No UI here: the cockpit wires `before`/`after` and the palette calls switchTo.
 */
import type { ContextInfo } from './config/contexts.js';
import { contextListLine } from './config/contexts.js';
import { type LoadedConfig, loadContext } from './config/load.js';
import { createRuntime, type Runtime } from './runtime.js';

export interface SwitchResult {
  ok: boolean;
  /** One line for the operator (the cockpit's notice). */
  message: string;
}

export interface RuntimeHostOptions {
  /** Builds a runtime (tests: a runtime with shorter timers). */
  create?: (loaded: LoadedConfig) => Runtime;
  /** Loads another context of the same configuration. */
  load?: (current: LoadedConfig, name: string) => LoadedConfig;
  /** How long the old runtime may take to stop before the new one starts anyway. */
  stopTimeoutMs?: number;
}

type Hook = (next: Runtime, prev: Runtime) => void;

export class RuntimeHost {
  private rt: Runtime;
  private switching = false;
  private readonly before = new Set<Hook>();
  private readonly after = new Set<Hook>();
  /** Says why a switch must wait (an action running, a procedure running), or null. */
  busy: (() => string | null) | null = null;

  constructor(
    first: Runtime,
    private readonly opts: RuntimeHostOptions = {},
  ) {
    this.rt = first;
  }

  get current(): Runtime {
    return this.rt;
  }

  get context(): ContextInfo | null {
    return this.rt.context;
  }

  contexts(): readonly ContextInfo[] {
    return this.rt.loaded.contexts;
  }

  /** Runs before the old runtime stops: drop the prompt, the arming, everything bound to it. */
  onBeforeSwitch(hook: Hook): () => void {
    this.before.add(hook);
    return () => this.before.delete(hook);
  }

  /** Runs once the new runtime started: show it. */
  onSwitched(hook: Hook): () => void {
    this.after.add(hook);
    return () => this.after.delete(hook);
  }

  /** `:context` alone: where we are and the choices. */
  describe(): string {
    return contextListLine(this.rt.context, this.contexts());
  }

  async switchTo(name: string): Promise<SwitchResult> {
    if (this.switching) return { ok: false, message: 'a context switch is already under way' };
    const current = this.rt.context?.name ?? null;
    if (name === current) return { ok: false, message: `already in context ${name}` };
    const known = this.contexts().map((c) => c.name);
    if (!known.includes(name))
      return {
        ok: false,
        message: `no context "${name.replace(/[^\x20-\x7e]/g, '?').slice(0, 40)}"${known.length ? `; contexts: ${known.join(', ')}` : ': the config file defines none'}`,
      };
    const busy = this.busy?.();
    if (busy) return { ok: false, message: `not switched: ${busy}` };
    this.switching = true;
    try {
      let next: Runtime;
      try {
        const loaded = (this.opts.load ?? loadContext)(this.rt.loaded, name);
        next = (this.opts.create ?? createRuntime)(loaded);
      } catch (e) {
        return { ok: false, message: `not switched: context ${name}: ${(e as Error).message}` };
      }
      const prev = this.rt;
      for (const hook of this.before) hook(next, prev);
      await Promise.race([prev.stop(), new Promise((r) => setTimeout(r, this.opts.stopTimeoutMs ?? 3000).unref())]);
      this.rt = next;
      next.start();
      for (const hook of this.after) hook(next, prev);
      const ctx = next.context;
      return {
        ok: true,
        message: `context ${name}${ctx?.production ? ' (PRODUCTION)' : ''}: SAFE; ${prev.context ? `${prev.context.name}'s` : 'the previous'} connections closed`,
      };
    } finally {
      this.switching = false;
    }
  }

  /** Stops the runtime in use (the cockpit quits). */
  stop(): Promise<void> {
    return this.rt.stop();
  }
}
