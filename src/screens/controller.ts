import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ActionLayer } from '../actions/layer.js';
import type { ProcedureSession } from '../procedures/session.js';
import type { ActionId, ActionParams } from '../actions/types.js';
import { actionKeys, type Binding, type CommandId, keyName, resolveKey } from '../keymap/keymap.js';
import type { Runtime } from '../runtime.js';
import { compileFilter, MAX_FILTER_CHARS } from '../services/log-filter.js';
import type { LogPresetId } from '../services/log-pane.js';
import type { ChannelOutcome } from '../state/types.js';
import { helpGrid, helpRows } from './help-layout.js';
import { bodyHeight } from './layout.js';
import type { PromptState, UiStore } from './ui-store.js';

type InkKey = Parameters<typeof keyName>[1];

const ACTION_OF: Partial<Record<CommandId, ActionId>> = {
  'action.stopAll': 'stop-all',
  'action.halt': 'halt',
  'action.resume': 'resume',
  'action.flatten': 'flatten',
  'action.kill': 'kill',
  'action.restart': 'restart',
  'action.clearHaltFile': 'clear-halt-file',
  'action.breakerReset': 'breaker-reset',
  'action.recover': 'recover',
};

/** What a read-only cockpit answers to `!` and every action key, instead of ignoring them. */
export const READ_ONLY_NOTICE = 'read-only: no actions (this cockpit was started read-only: --read-only or readOnly: true)';
/** A read-only refusal is a reflex answer: it clears itself after this long. */
const READ_ONLY_NOTICE_MS = 4000;

const PRESET_OF: Partial<Record<CommandId, LogPresetId>> = {
  'logs.presetTail': 'tail',
  'logs.preset1m': '1m',
  'logs.preset5m': '5m',
  'logs.preset15m': '15m',
  'logs.preset1h': '1h',
};

/**
 * Turns keys into intents. All TUI behaviour lives here, outside React, so it can be tested by
 * feeding keys; components only render the stores.
 */
export class Controller {
  private armTimer: NodeJS.Timeout | null = null;
  private stepResolver: ((go: boolean) => void) | null = null;
  /** Terminal size, reported by the root component like keys are: paging needs it. */
  private viewport = { columns: 80, rows: 24 };
  /** The emergency stop's keys and every action key, read-only or not (read-only answers them). */
  private readonly keys: ReturnType<typeof actionKeys>;
  private noticeTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly rt: Runtime,
    readonly ui: UiStore,
    readonly bindings: Binding[],
    readonly actions: ActionLayer | null,
    private readonly quit: () => void,
    /** The runbook procedures screen's own key handling (null: no procedures screen). */
    readonly procedures: ProcedureSession | null = null,
  ) {
    this.keys = actionKeys(rt.config.keymap);
  }

  get armSeconds(): number {
    return this.rt.config.ui.armSeconds;
  }

  notice(text: string, tone: 'info' | 'warn' | 'error' = 'info'): void {
    this.ui.setState({ notice: { text, tone, at: Date.now() } });
  }

  /** The terminal's size changed (the root component reports it, like keys). */
  setViewport(columns: number, rows: number): void {
    this.viewport = { columns, rows };
    const s = this.ui.getState();
    const help = Math.min(s.helpPage, this.helpPages() - 1);
    const audit = Math.min(s.auditOffset, this.auditMaxOffset());
    if (help !== s.helpPage || audit !== s.auditOffset) this.ui.setState({ helpPage: help, auditOffset: audit });
  }

  /** Entry point for every key press. */
  onKey(input: string, key: InkKey): void {
    // A paste or a fast typist arrives as one chunk ("HALT\r"): handle it key by key.
    if (input.length > 1 && !key.ctrl && !key.meta && /^[\x20-\x7e\r\n]+$/.test(input) && !/^\s+$/.test(input)) {
      for (const ch of input) {
        if (ch === '\r' || ch === '\n') this.onKey('', { return: true });
        else this.onKey(ch, { shift: ch !== ch.toLowerCase() });
      }
      return;
    }
    const s = this.ui.getState();
    const name = keyName(input, key);
    // The emergency stop is reachable from every screen and every prompt, always (its keys are
    // never printable except `!`, which no prompt takes: src/keymap/keymap.ts).
    if (this.keys.stop.includes(name)) {
      if (!this.actions) return this.readOnlyNotice();
      if (s.prompt?.actionId !== 'stop-all') {
        if (s.prompt) this.recordCancel(s.prompt, 'replaced by the emergency stop');
        // A recovery waiting between steps stops there: the operator chose the emergency stop.
        const step = this.stepResolver;
        this.stepResolver = null;
        step?.(false);
        this.openAction('stop-all', {});
      }
      return;
    }
    if (s.screen === 'procedures' && this.procedures && !s.prompt && !s.palette) {
      if (!this.procedures.onKey(input, key)) this.ui.setState({ screen: 'cockpit' });
      return;
    }
    if (this.stepResolver) return this.onStepKey(name);
    if (s.prompt) return this.onPromptKey(input, name);
    if (s.palette) return this.onPaletteKey(input, name);
    if (s.filterInput !== null) return this.onFilterKey(input, name);
    if (s.confirmQuit) {
      if (input === 'y' || input === 'q') this.quit();
      else this.ui.setState({ confirmQuit: false, notice: { text: 'quit cancelled: still ARMED', tone: 'info', at: Date.now() } });
      return;
    }
    if (s.screen !== 'cockpit' && name === 'escape') {
      this.ui.setState({ screen: 'cockpit' });
      return;
    }
    const b = resolveKey(this.bindings, name, s.screen === 'cockpit' ? s.focus : 'other');
    if (!b && !this.actions && this.keys.actions.has(name)) return this.readOnlyNotice();
    if (!b) return;
    // Off the cockpit, movement keys move that screen, never the (hidden) cockpit selection.
    if (s.screen !== 'cockpit' && b.id.startsWith('nav.')) return this.scrollScreen(b.id);
    this.run(b.id);
  }

  private helpPages(): number {
    const { columns, rows } = this.viewport;
    const s = this.ui.getState();
    const c = this.rt.store.getState();
    const h = bodyHeight(rows, { notice: !!s.notice, alarm: !!c.audit.alarm, last: c.actions.last });
    return helpGrid(helpRows(this.bindings).length, columns, h).pages;
  }

  /** The AuditScreen shows height − 2 records (title, and the alarm or the empty line). */
  private auditMaxOffset(): number {
    const s = this.ui.getState();
    const c = this.rt.store.getState();
    const h = bodyHeight(this.viewport.rows, { notice: !!s.notice, alarm: !!c.audit.alarm, last: c.actions.last });
    return Math.max(0, c.audit.recent.length - Math.max(1, h - 2));
  }

  private scrollScreen(id: CommandId): void {
    const s = this.ui.getState();
    if (s.screen === 'help') {
      const last = this.helpPages() - 1;
      const back = id === 'nav.up' || id === 'nav.pageUp' || id === 'nav.prevPane';
      const page = id === 'nav.top' ? 0 : id === 'nav.bottom' ? last : s.helpPage + (back ? -1 : 1);
      return this.ui.setState({ helpPage: Math.max(0, Math.min(last, page)) });
    }
    if (s.screen === 'audit') {
      const max = this.auditMaxOffset();
      const step = id === 'nav.up' ? -1 : id === 'nav.down' ? 1 : id === 'nav.pageUp' ? -10 : id === 'nav.pageDown' ? 10 : 0;
      const offset = id === 'nav.top' ? 0 : id === 'nav.bottom' ? max : s.auditOffset + step;
      return this.ui.setState({ auditOffset: Math.max(0, Math.min(max, offset)) });
    }
  }

  /** Read-only: say so, every time, for a few seconds (the readiness line says READ-ONLY for good). */
  private readOnlyNotice(): void {
    const notice = { text: READ_ONLY_NOTICE, tone: 'warn' as const, at: Date.now() };
    this.ui.setState({ notice });
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      if (this.ui.getState().notice === notice) this.ui.setState({ notice: null });
    }, READ_ONLY_NOTICE_MS);
    this.noticeTimer.unref?.();
  }

  /** Runs a command of the keymap (from a key or the palette). */
  run(id: CommandId, arg?: string): void {
    const s = this.ui.getState();
    const action = ACTION_OF[id];
    if (action) {
      const params: ActionParams = {};
      if (action === 'restart') params.service = arg ?? this.selectedContainer() ?? undefined;
      if (action === 'halt' && arg === 'soft') params.soft = true;
      return this.openAction(action, params);
    }
    const preset = PRESET_OF[id];
    if (preset) {
      this.rt.logPane.attach(this.rt.logPane.container, preset);
      return this.notice(`log history: ${preset}`);
    }
    const lv = s.logView;
    switch (id) {
      case 'app.help':
        return this.ui.setState({ screen: s.screen === 'help' ? 'cockpit' : 'help', helpPage: 0 });
      case 'app.audit':
        return this.ui.setState({ screen: 'audit', auditOffset: 0 });
      case 'app.procedures':
        if (!this.procedures) return this.notice('procedures are not available here', 'warn');
        return this.ui.setState({ screen: 'procedures' });
      case 'app.cockpit':
        return this.ui.setState({ screen: 'cockpit' });
      case 'app.palette':
        return this.ui.setState({ palette: { input: '', selected: 0 } });
      case 'app.redraw':
        return this.ui.setState({ redraw: s.redraw + 1 });
      case 'app.back':
        if (lv.filter) return this.ui.setState({ logView: { ...lv, filter: '', matchSeq: null } });
        return this.ui.setState({ notice: null, screen: 'cockpit' });
      case 'app.quit':
        if (this.isArmed())
          return this.ui.setState({
            confirmQuit: true,
            notice: { text: 'ARMED: quit anyway? y quits, any other key stays', tone: 'warn', at: Date.now() },
          });
        return this.quit();
      case 'nav.nextPane':
      case 'nav.prevPane':
        return this.ui.setState({ focus: s.focus === 'containers' ? 'logs' : 'containers' });
      case 'nav.up':
      case 'nav.down':
        if (s.focus === 'containers') return this.moveSelection(id === 'nav.up' ? -1 : 1);
        return this.scrollLogs(id === 'nav.up' ? -1 : 1);
      case 'nav.pageUp':
      case 'nav.pageDown':
        return this.scrollLogs(id === 'nav.pageUp' ? -20 : 20);
      case 'nav.top':
        return this.scrollLogs(-Number.MAX_SAFE_INTEGER);
      case 'nav.bottom':
        return this.ui.setState({ logView: { ...lv, follow: true, endSeq: null } });
      case 'nav.select': {
        const name = this.selectedContainer();
        if (name) {
          this.rt.logPane.attach(name);
          this.ui.setState({ focus: 'logs', logView: { ...lv, follow: true, endSeq: null } });
        }
        return;
      }
      case 'logs.follow':
        return this.ui.setState({ logView: { ...lv, follow: !lv.follow, endSeq: lv.follow ? this.lastSeq() : null } });
      case 'logs.wrap':
        return this.ui.setState({ logView: { ...lv, wrap: !lv.wrap } });
      case 'logs.timestamps':
        return this.ui.setState({ logView: { ...lv, timestamps: !lv.timestamps } });
      case 'logs.filter':
        return this.ui.setState({ filterInput: lv.filter });
      case 'logs.nextMatch':
      case 'logs.prevMatch':
        return this.jumpMatch(id === 'logs.nextMatch' ? 1 : -1);
      case 'logs.save':
        return this.saveLogs();
      case 'mode.arm':
        return this.openArm();
      case 'mode.disarm':
        return this.disarm('disarmed');
      default:
        return;
    }
  }

  isArmed(): boolean {
    const until = this.ui.getState().armedUntil;
    return until !== null && until > Date.now();
  }

  private disarm(why: string): void {
    if (this.armTimer) clearTimeout(this.armTimer);
    this.armTimer = null;
    if (this.ui.getState().armedUntil !== null) this.ui.setState({ armedUntil: null, notice: { text: why, tone: 'info', at: Date.now() } });
  }

  private openArm(): void {
    this.ui.setState({
      prompt: {
        kind: 'confirm',
        actionId: 'arm',
        params: {},
        title: 'ARM THE COCKPIT',
        lines: [`Actions become available for ${this.armSeconds} s, then the cockpit returns to SAFE by itself.`],
        word: 'ARM',
        askReason: false,
        reason: '',
        stage: 'word',
        input: '',
      },
    });
  }

  openAction(id: ActionId, params: ActionParams): void {
    if (!this.actions) return this.readOnlyNotice();
    const plan = this.actions.plan(id, params);
    if (plan.invalid) return this.notice(plan.invalid, 'error');
    if (plan.needsArm && !this.isArmed())
      return this.notice(`SAFE mode: press a and type ARM first (arming lasts ${this.armSeconds} s)`, 'warn');
    const askReason = id === 'halt' || id === 'stop-all' || id === 'flatten';
    const prompt: PromptState = {
      kind: 'confirm',
      actionId: id,
      params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
      title: plan.title,
      lines: plan.lines,
      warning: plan.warning,
      word: plan.word,
      askReason,
      reason: '',
      stage: askReason ? 'reason' : 'word',
      input: '',
    };
    // Whatever was open gives way to the prompt (a pending "quit anyway?" too).
    this.ui.setState({ prompt, palette: null, filterInput: null, confirmQuit: false });
  }

  private onPromptKey(input: string, name: string): void {
    const p = this.ui.getState().prompt as PromptState;
    if (name === 'escape') {
      this.ui.setState({ prompt: null });
      this.recordCancel(p, 'cancelled at the prompt');
      return this.notice(`${p.title}: cancelled`);
    }
    if (name === 'backspace' || name === 'delete')
      return this.ui.setState({ prompt: { ...p, input: p.input.slice(0, -1), error: undefined } });
    if (name === 'enter') {
      if (p.stage === 'reason') return this.ui.setState({ prompt: { ...p, reason: p.input.trim(), stage: 'word', input: '' } });
      if (p.input !== p.word) {
        // Enter on an empty or wrong value never confirms.
        return this.ui.setState({
          prompt: { ...p, input: '', error: p.input ? `Value must be exactly ${p.word}` : `Type ${p.word} to confirm, or Esc to cancel` },
        });
      }
      this.ui.setState({ prompt: null });
      if (p.actionId === 'arm') return this.arm();
      return void this.execute(p);
    }
    if (input && input.length >= 1 && !/[\x00-\x1f]/.test(input) && p.input.length < 200) {
      this.ui.setState({ prompt: { ...p, input: p.input + input, error: undefined } });
    }
  }

  /** Every action prompt that does not run is audited as CANCELLED (arming is not an action). */
  private recordCancel(p: PromptState, why: string): void {
    if (p.actionId !== 'arm' && this.actions)
      this.actions.recordRefusal(this.actions.plan(p.actionId as ActionId, this.promptParams(p)), null, 'CANCELLED', why);
  }

  private promptParams(p: PromptState): ActionParams {
    return { service: p.params.service, soft: p.params.soft === 'true', reason: p.reason || undefined };
  }

  private arm(): void {
    const until = Date.now() + this.armSeconds * 1000;
    if (this.armTimer) clearTimeout(this.armTimer);
    this.armTimer = setTimeout(() => this.disarm('arming expired: back to SAFE'), this.armSeconds * 1000);
    this.armTimer.unref?.();
    this.ui.setState({ armedUntil: until, notice: { text: `ARMED for ${this.armSeconds} s`, tone: 'warn', at: Date.now() } });
  }

  private async execute(p: PromptState): Promise<void> {
    if (!this.actions) return;
    const enteredAt = Date.now();
    await this.actions.execute(p.actionId as ActionId, this.promptParams(p), p.word, {
      enteredAt,
      progress: (report) => this.rt.store.emit({ type: 'action.report', report }),
      betweenSteps:
        p.actionId === 'recover'
          ? (done: ChannelOutcome, next: string) =>
              new Promise<boolean>((resolve) => {
                this.stepResolver = resolve;
                this.notice(`${done.channel}: ${done.outcome}. Next: ${next}. Enter continues, Esc stops.`, 'warn');
              })
          : undefined,
    });
  }

  private onStepKey(name: string): void {
    if (name !== 'enter' && name !== 'escape') return;
    const r = this.stepResolver;
    this.stepResolver = null;
    this.ui.setState({ notice: null });
    r?.(name === 'enter');
  }

  paletteEntries(): Array<{ name: string; label: string; id: CommandId }> {
    return this.bindings.filter((b) => b.palette).map((b) => ({ name: b.palette as string, label: b.label, id: b.id }));
  }

  paletteMatches(input: string): Array<{ name: string; label: string; id: CommandId }> {
    const word = input.trim().split(/\s+/)[0] ?? '';
    return this.paletteEntries().filter(
      (e) => e.name.startsWith(word) || (input.trim().startsWith(e.name) && input.trim().length > e.name.length),
    );
  }

  private onPaletteKey(input: string, name: string): void {
    const pal = this.ui.getState().palette as { input: string; selected: number };
    const matches = this.paletteMatches(pal.input);
    if (name === 'escape') return this.ui.setState({ palette: null });
    if (name === 'backspace' || name === 'delete') return this.ui.setState({ palette: { input: pal.input.slice(0, -1), selected: 0 } });
    if (name === 'up' || name === 'down') {
      const n = Math.max(1, matches.length);
      return this.ui.setState({ palette: { ...pal, selected: (pal.selected + (name === 'up' ? n - 1 : 1)) % n } });
    }
    if (name === 'tab') {
      const m = matches[pal.selected];
      if (m) this.ui.setState({ palette: { input: `${m.name} `, selected: 0 } });
      return;
    }
    if (name === 'enter') {
      const text = pal.input.trim();
      const exact = this.paletteEntries().find((e) => text === e.name || text.startsWith(`${e.name} `));
      const m = exact ?? matches[pal.selected];
      this.ui.setState({ palette: null });
      if (!m && !this.actions && this.keys.palette.has(text.split(/\s+/)[0] ?? '')) return this.readOnlyNotice();
      if (!m) return this.notice(`unknown command: ${text}`, 'error');
      const arg = text.startsWith(`${m.name} `) ? text.slice(m.name.length + 1).trim() : undefined;
      if (m.name === 'filter') return this.ui.setState({ filterInput: arg ?? '' });
      return this.run(m.id, arg);
    }
    if (input && !/[\x00-\x1f]/.test(input)) this.ui.setState({ palette: { input: pal.input + input, selected: 0 } });
  }

  private onFilterKey(input: string, name: string): void {
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
    if (input && !/[\x00-\x1f]/.test(input) && text.length + input.length <= MAX_FILTER_CHARS)
      this.ui.setState({ filterInput: text + input, logView: { ...lv, filterError: undefined } });
  }

  private selectedContainer(): string | null {
    const list = this.rt.store.getState().containers.value;
    return list[Math.min(this.ui.getState().selected, list.length - 1)]?.name ?? null;
  }

  private moveSelection(delta: number): void {
    const n = this.rt.store.getState().containers.value.length;
    if (n === 0) return;
    const s = this.ui.getState().selected;
    this.ui.setState({ selected: Math.max(0, Math.min(n - 1, s + delta)) });
  }

  private lastSeq(): number | null {
    const r = this.rt.logPane.ring;
    return r.size ? (r.at(r.size - 1)?.seq ?? null) : null;
  }

  /** Scrolling pauses follow; the view stays anchored to the same lines while new ones arrive. */
  private scrollLogs(delta: number): void {
    const ring = this.rt.logPane.ring;
    if (ring.size === 0) return;
    const lv = this.ui.getState().logView;
    const first = ring.at(0)?.seq ?? 0;
    const last = ring.at(ring.size - 1)?.seq ?? 0;
    const end = lv.endSeq ?? last;
    const next = Math.max(first, Math.min(last, end + delta));
    this.ui.setState({ logView: { ...lv, follow: next === last && delta > 0, endSeq: next === last && delta > 0 ? null : next } });
  }

  private jumpMatch(dir: 1 | -1): void {
    const lv = this.ui.getState().logView;
    if (!lv.filter) return this.notice('no filter: press / to set one');
    // The pane's own predicate on the pane's own text: n/N land exactly on the lines it shows.
    const compiled = compileFilter(lv.filter);
    if (!compiled.ok || !compiled.filter) return;
    const filter = compiled.filter;
    const ring = this.rt.logPane.ring;
    const from = lv.matchSeq ?? lv.endSeq ?? ring.at(ring.size - 1)?.seq ?? 0;
    const idx: number[] = [];
    for (let i = 0; i < ring.size; i++) {
      const l = ring.at(i);
      if (l && filter.test(l)) idx.push(l.seq);
    }
    const target = dir > 0 ? idx.find((q) => q > from) : [...idx].reverse().find((q) => q < from);
    if (target === undefined) return this.notice(dir > 0 ? 'no later match' : 'no earlier match');
    this.ui.setState({ logView: { ...lv, follow: false, endSeq: target, matchSeq: target } });
  }

  private saveLogs(): void {
    const name = this.rt.logPane.container;
    if (!name) return this.notice('no container attached', 'warn');
    const dir = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
    const path = join(dir, 'titan-tui', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
    try {
      const n = this.rt.logPane.save(path);
      this.notice(`saved ${n} lines to ${path}`);
    } catch (e) {
      this.notice(`could not save: ${(e as Error).message}`, 'error');
    }
  }

  dispose(): void {
    if (this.armTimer) clearTimeout(this.armTimer);
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
  }
}
