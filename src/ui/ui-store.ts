import { createStore, type StoreApi } from 'zustand/vanilla';

/** View state of the TUI only (focus, prompts, log view). System state lives in the cockpit store. */
export type Screen = 'cockpit' | 'help' | 'audit' | 'procedures';
export type Focus = 'containers' | 'logs';

export interface PromptState {
  kind: 'confirm';
  actionId: string;
  params: Record<string, string>;
  title: string;
  lines: string[];
  warning?: string;
  word: string;
  /** Optional free-text reason asked before the word. */
  askReason: boolean;
  reason: string;
  stage: 'reason' | 'word';
  input: string;
  error?: string;
}

export interface PaletteUi {
  input: string;
  selected: number;
  /** What the last Tab found when more than one thing fits (listed, never picked). */
  candidates?: string[];
}

export interface UiState {
  screen: Screen;
  focus: Focus;
  selected: number;
  prompt: PromptState | null;
  palette: PaletteUi | null;
  filterInput: string | null;
  logView: {
    follow: boolean;
    wrap: boolean;
    timestamps: boolean;
    filter: string;
    filterError?: string;
    endSeq: number | null;
    matchSeq: number | null;
  };
  notice: { text: string; tone: 'info' | 'warn' | 'error'; at: number } | null;
  confirmQuit: boolean;
  redraw: number;
  /** Page of the help screen (it pages when the keymap does not fit). */
  helpPage: number;
  /** Newest-first audit records scrolled past. */
  auditOffset: number;
}

export type UiStore = StoreApi<UiState>;

export function createUiStore(): UiStore {
  return createStore<UiState>(() => ({
    screen: 'cockpit',
    focus: 'containers',
    selected: 0,
    prompt: null,
    palette: null,
    filterInput: null,
    logView: { follow: true, wrap: false, timestamps: false, filter: '', endSeq: null, matchSeq: null },
    notice: null,
    confirmQuit: false,
    redraw: 0,
    helpPage: 0,
    auditOffset: 0,
  }));
}
