/**
 * The log pane's intents: typing the filter, scrolling (which pauses follow), n/N with the pane's
 * own predicate, saving the buffered lines. Outside React, like the rest of the input handling.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KeyPress } from '../input/keys.js';
import { isText } from '../input/keys.js';
import type { Runtime } from '../runtime.js';
import { compileFilter, MAX_FILTER_CHARS } from '../services/log-filter.js';
import type { UiStore } from './ui-store.js';

type Notice = (text: string, tone?: 'info' | 'warn' | 'error') => void;

export class LogViewIntents {
  constructor(
    private readonly rt: Runtime,
    private readonly ui: UiStore,
    private readonly notice: Notice,
  ) {}

  onFilterKey(k: KeyPress): void {
    const { input, name } = k;
    const text = this.ui.getState().filterInput as string;
    const lv = this.ui.getState().logView;
    if (name === 'escape')
      return this.ui.setState({ filterInput: null, logView: { ...lv, filter: '', filterError: undefined, matchSeq: null } });
    if (name === 'backspace' || name === 'delete')
      return this.ui.setState({ filterInput: text.slice(0, -1), logView: { ...lv, filterError: undefined } });
    if (name === 'enter') {
      // Linear-time RE2 (src/services/log-filter.ts): no pattern can freeze the cockpit.
      const compiled = compileFilter(text);
      if (!compiled.ok) return this.ui.setState({ logView: { ...lv, filterError: compiled.error } });
      return this.ui.setState({ filterInput: null, logView: { ...lv, filter: text, filterError: undefined, matchSeq: null } });
    }
    if (isText(input) && text.length + input.length <= MAX_FILTER_CHARS)
      this.ui.setState({ filterInput: text + input, logView: { ...lv, filterError: undefined } });
  }

  lastSeq(): number | null {
    return this.rt.logPane.lastSeq();
  }

  /** Scrolling pauses follow; the view stays anchored to the same lines while new ones arrive. */
  scroll(delta: number): void {
    const first = this.rt.logPane.firstSeq();
    const last = this.rt.logPane.lastSeq();
    if (first === null || last === null) return;
    const lv = this.ui.getState().logView;
    const end = lv.endSeq ?? last;
    const next = Math.max(first, Math.min(last, end + delta));
    this.ui.setState({ logView: { ...lv, follow: next === last && delta > 0, endSeq: next === last && delta > 0 ? null : next } });
  }

  jumpMatch(dir: 1 | -1): void {
    const lv = this.ui.getState().logView;
    if (!lv.filter) return this.notice('no filter: press / to set one');
    // The pane's own predicate on the pane's own text (in the log worker, where the lines are):
    // n/N land exactly on the lines it shows.
    const from = lv.matchSeq ?? lv.endSeq ?? this.rt.logPane.lastSeq() ?? 0;
    const filter = lv.filter;
    void this.rt.logPane.findMatch(filter, from, dir).then((target) => {
      const now = this.ui.getState().logView;
      if (now.filter !== filter) return; // the filter changed meanwhile: this answer is for the old one
      if (target === null) return this.notice(dir > 0 ? 'no later match' : 'no earlier match');
      this.ui.setState({ logView: { ...now, follow: false, endSeq: target, matchSeq: target } });
    });
  }

  save(): void {
    const name = this.rt.logPane.container;
    if (!name) return this.notice('no container attached', 'warn');
    const dir = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
    const path = join(dir, 'titan-tui', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
    this.rt.logPane.save(path).then(
      (n) => this.notice(`saved ${n} lines to ${path}`),
      (e: unknown) => this.notice(`could not save: ${(e as Error).message}`, 'error'),
    );
  }
}
