import type { ActionLayer } from '../actions/layer.js';
import { actionCommand, actionOfCommand } from '../commands/action-commands.js';
import type { ProcedureSession } from '../procedures/session.js';
import type { ActionId, ActionParams } from '../actions/types.js';
import { type InkKey, type KeyPress, splitBurst } from '../input/keys.js';
import { typeText, typeWord } from '../input/typed-word.js';
import { actionKeys, type Binding, type CommandId, resolveKey } from '../keymap/keymap.js';
import type { Runtime } from '../runtime.js';
import { isArmed } from '../state/arm.js';
import type { LogPresetId } from '../services/log-pane.js';
import type { ChannelOutcome } from '../state/types.js';
import { helpGrid, helpRows } from './help-layout.js';
import { bodyHeight } from './layout.js';
import { LogViewIntents } from './log-view.js';
import { type PaletteCommand, PaletteMode } from './palette-mode.js';
import type { PromptState, UiStore } from './ui-store.js';

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
  /** The `:` palette mode. */
  private readonly palette: PaletteMode;
  /** The log pane's intents (scroll, n/N, filter input, save). */
  private readonly logView: LogViewIntents;
  /** `:context [NAME]` (issue #12): set by the cockpit, which owns the runtimes (src/runtime-host.ts). */
  contextSwitch: ((name: string | null) => void) | null = null;
  /** The screen help was opened from: Esc goes back there. */
  private helpFrom: 'cockpit' | 'procedures' = 'cockpit';

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
    this.logView = new LogViewIntents(rt, ui, (text, tone) => this.notice(text, tone));
    this.palette = new PaletteMode(rt, ui, bindings, {
      run: (id, arg) => this.run(id, arg),
      notice: (text, tone) => this.notice(text, tone),
      refuse: (word) => {
        if (this.actions || !this.keys.palette.has(word)) return false;
        this.readOnlyNotice();
        return true;
      },
      // Contexts (issue #12): the cockpit sets contextSwitch (src/cli/cockpit-command.tsx).
      context: (name) => (this.contextSwitch ? this.contextSwitch(name) : this.notice('context switching is not available here', 'warn')),
    });
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

  /**
   * The one input router. Every chunk of input is split into the keys it holds (a paste, keys
   * batched over SSH); the emergency stop pre-empts whatever is open; then the topmost mode gets
   * the key: a recovery step, a prompt, the palette, the filter, "quit anyway?", the screen.
   */
  onKey(input: string, key: InkKey): void {
    for (const k of splitBurst(input, key)) this.onPress(k);
  }

  private onPress(k: KeyPress): void {
    const s = this.ui.getState();
    const { name, input } = k;
    // The emergency stop is reachable from every screen and every prompt, always (its keys are
    // never printable except `!`, which no prompt takes: src/keymap/keymap.ts).
    if (this.keys.stop.includes(name)) return this.emergencyStop();
    if (this.stepResolver) return this.onStepKey(name);
    if (s.prompt) return this.onPromptKey(k);
    if (s.palette) return this.palette.onKey(k);
    if (s.filterInput !== null) return this.logView.onFilterKey(k);
    if (s.confirmQuit) {
      if (input === 'y' || input === 'q') this.quit();
      else this.ui.setState({ confirmQuit: false, notice: { text: 'quit cancelled: still ARMED', tone: 'info', at: Date.now() } });
      return;
    }
    // The procedures screen takes its own keys first; the rest are the cockpit's global ones
    // (a arms, d disarms, ? help, : palette), so no key means two things.
    if (s.screen === 'procedures' && this.procedures?.onKey(k)) return;
    if (s.screen !== 'cockpit' && name === 'escape') {
      if (s.screen === 'help' && this.helpFrom === 'procedures') return this.ui.setState({ screen: 'procedures' });
      return this.ui.setState({ screen: 'cockpit' });
    }
    const b = resolveKey(this.bindings, name, s.screen === 'cockpit' ? s.focus : 'other');
    if (!b && !this.actions && this.keys.actions.has(name)) return this.readOnlyNotice();
    if (!b) return;
    // Off the cockpit, movement keys move that screen, never the (hidden) cockpit selection.
    if (s.screen !== 'cockpit' && b.id.startsWith('nav.')) return this.scrollScreen(b.id);
    this.run(b.id);
  }

  private emergencyStop(): void {
    if (!this.actions) return this.readOnlyNotice();
    const s = this.ui.getState();
    if (s.prompt?.actionId === 'stop-all') return;
    if (s.prompt) this.recordCancel(s.prompt, 'replaced by the emergency stop');
    // A recovery waiting between steps stops there: the operator chose the emergency stop.
    const step = this.stepResolver;
    this.stepResolver = null;
    step?.(false);
    this.openAction('stop-all', {});
  }

  private helpPages(): number {
    const { columns, rows } = this.viewport;
    const s = this.ui.getState();
    const c = this.rt.store.getState();
    const h = bodyHeight(rows, { notice: !!s.notice, alarm: !!c.audit.alarm, last: c.actions.last }, columns);
    return helpGrid(helpRows(this.bindings).length, columns, h).pages;
  }

  /** The AuditScreen shows height − 2 records (title, and the alarm or the empty line). */
  private auditMaxOffset(): number {
    const s = this.ui.getState();
    const c = this.rt.store.getState();
    const h = bodyHeight(this.viewport.rows, { notice: !!s.notice, alarm: !!c.audit.alarm, last: c.actions.last }, this.viewport.columns);
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
    const action = actionOfCommand(id);
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
        if (s.screen === 'help') return this.ui.setState({ screen: this.helpFrom });
        this.helpFrom = s.screen === 'procedures' ? 'procedures' : 'cockpit';
        return this.ui.setState({ screen: 'help', helpPage: 0 });
      case 'app.audit':
        // Records written since the start (the CLI, another cockpit, the procedures) are on disk:
        // the screen shows the file as it is now.
        this.rt.store.emit({ type: 'audit.loaded', entries: this.rt.audit.readRecent(), at: Date.now() });
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
        return this.logView.scroll(id === 'nav.up' ? -1 : 1);
      case 'nav.pageUp':
      case 'nav.pageDown':
        return this.logView.scroll(id === 'nav.pageUp' ? -20 : 20);
      case 'nav.top':
        return this.logView.scroll(-Number.MAX_SAFE_INTEGER);
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
        return this.ui.setState({ logView: { ...lv, follow: !lv.follow, endSeq: lv.follow ? this.logView.lastSeq() : null } });
      case 'logs.wrap':
        return this.ui.setState({ logView: { ...lv, wrap: !lv.wrap } });
      case 'logs.timestamps':
        return this.ui.setState({ logView: { ...lv, timestamps: !lv.timestamps } });
      case 'logs.filter':
        return this.ui.setState({ filterInput: lv.filter });
      case 'logs.nextMatch':
      case 'logs.prevMatch':
        return this.logView.jumpMatch(id === 'logs.nextMatch' ? 1 : -1);
      case 'logs.save':
        return this.logView.save();
      case 'mode.arm':
        return this.openArm();
      case 'mode.disarm':
        return this.disarm('disarmed');
      default:
        return;
    }
  }

  isArmed(): boolean {
    return isArmed(this.rt.store.getState());
  }

  private disarm(why: string): void {
    if (this.armTimer) clearTimeout(this.armTimer);
    this.armTimer = null;
    if (this.rt.store.getState().armedUntil === null) return;
    this.rt.store.emit({ type: 'arm', until: null });
    this.notice(why);
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
    const askReason = actionCommand(id).asksReason;
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

  private onPromptKey(k: KeyPress): void {
    const p = this.ui.getState().prompt as PromptState;
    const cancel = () => {
      this.ui.setState({ prompt: null });
      this.recordCancel(p, 'cancelled at the prompt');
      this.notice(`${p.title}: cancelled`);
    };
    if (p.stage === 'reason') {
      const r = typeText(p.input, k);
      if (r.kind === 'cancelled') return cancel();
      if (r.kind === 'done') return this.ui.setState({ prompt: { ...p, reason: r.text, stage: 'word', input: '' } });
      return this.ui.setState({ prompt: { ...p, input: r.text } });
    }
    const step = typeWord(p, k);
    if (step.kind === 'cancelled') return cancel();
    if (step.kind === 'typing') return this.ui.setState({ prompt: { ...p, input: step.state.input, error: step.state.error } });
    this.ui.setState({ prompt: null });
    if (p.actionId === 'arm') return this.arm();
    void this.execute(p);
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
    this.rt.store.emit({ type: 'arm', until });
    this.notice(`ARMED for ${this.armSeconds} s`, 'warn');
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

  paletteEntries(): PaletteCommand[] {
    return this.palette.entries();
  }

  paletteMatches(input: string): PaletteCommand[] {
    return this.palette.matches(input);
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

  dispose(): void {
    if (this.armTimer) clearTimeout(this.armTimer);
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
  }
}
