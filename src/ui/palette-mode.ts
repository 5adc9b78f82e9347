/**
 * The `:` palette mode: typing, Tab completion (src/input/palette.ts: it completes, never picks),
 * ↑/↓ through the matches, Enter runs the named or highlighted command through the same gating as
 * its key.
 */
import { complete, exactEntry, paletteMatches } from '../input/palette.js';
import { parseContextCommand } from '../config/contexts.js';
import { isText, type KeyPress } from '../input/keys.js';
import type { Binding, CommandId } from '../keymap/keymap.js';
import type { Runtime } from '../runtime.js';
import type { PaletteUi, UiStore } from './ui-store.js';

export interface PaletteCommand {
  name: string;
  label: string;
  id: CommandId;
}

interface PaletteHost {
  run: (id: CommandId, arg?: string) => void;
  notice: (text: string, tone?: 'info' | 'warn' | 'error') => void;
  /** Read-only: an action's name is answered with the read-only notice (true when it was). */
  refuse: (word: string) => boolean;
  /** `:context` (where we are) and `:context NAME` (switch): src/config/contexts.ts, src/runtime-host.ts. */
  context?: (name: string | null) => void;
}

export class PaletteMode {
  constructor(
    private readonly rt: Runtime,
    private readonly ui: UiStore,
    private readonly bindings: Binding[],
    private readonly host: PaletteHost,
  ) {}

  entries(): PaletteCommand[] {
    return this.bindings.filter((b) => b.palette).map((b) => ({ name: b.palette as string, label: b.label, id: b.id }));
  }

  matches(input: string): PaletteCommand[] {
    return paletteMatches(this.entries(), input);
  }

  /** What an argument of a palette command can be: container names for restart, `soft` for halt. */
  private args(e: { id: CommandId }): string[] {
    if (e.id === 'action.restart') return ['execution', 'brain', ...this.rt.store.getState().containers.value.map((c) => c.name)];
    if (e.id === 'action.halt') return ['soft'];
    return [];
  }

  onKey(k: KeyPress): void {
    const pal = this.ui.getState().palette as PaletteUi;
    const { name, input } = k;
    const matches = this.matches(pal.input);
    if (name === 'escape') return this.ui.setState({ palette: null });
    if (name === 'backspace' || name === 'delete') return this.ui.setState({ palette: { input: pal.input.slice(0, -1), selected: 0 } });
    if (name === 'up' || name === 'down') {
      const n = Math.max(1, matches.length);
      return this.ui.setState({ palette: { ...pal, selected: (pal.selected + (name === 'up' ? n - 1 : 1)) % n } });
    }
    if (name === 'tab') {
      const c = complete(this.entries(), pal.input, (e) => this.args(e));
      return this.ui.setState({ palette: { input: c.input, selected: 0, candidates: c.candidates } });
    }
    if (name === 'enter') {
      const text = pal.input.trim();
      // Contexts (issue #12): not a keymap command; the switcher lives in src/runtime-host.ts.
      const ctx = this.host.context ? parseContextCommand(text) : null;
      if (ctx && this.host.context) {
        this.ui.setState({ palette: null });
        return this.host.context(ctx.name);
      }
      // The command typed, else the one highlighted in the list the operator sees (never a guess).
      const m = exactEntry(this.entries(), text) ?? matches[pal.selected];
      this.ui.setState({ palette: null });
      if (!m && this.host.refuse(text.split(/\s+/)[0] ?? '')) return;
      if (!m) return this.host.notice(`unknown command: ${text}`, 'error');
      const arg = text.startsWith(`${m.name} `) ? text.slice(m.name.length + 1).trim() : undefined;
      if (m.name === 'filter') return this.ui.setState({ filterInput: arg ?? '' });
      return this.host.run(m.id, arg);
    }
    if (isText(input)) this.ui.setState({ palette: { input: pal.input + input, selected: 0 } });
  }
}
