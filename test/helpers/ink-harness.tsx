/**
 * Renders an Ink element with Ink's own `render()` into a fake terminal, for component tests.
 *
 * Modelled on Shopify's cli-kit testing/ui.ts and ink-testing-library, with what they lack for a
 * full-screen app: a stdout with `rows` (not only `columns`) that emits 'resize', a way to press raw
 * key bytes, and `waitForFrame` that waits for a frame instead of sleeping.
 *
 * Ink runs with `debug: true`: every commit writes the whole frame, unthrottled, so the last write
 * IS the final frame (with `debug: false` Ink writes cursor-relative diffs, which are not a frame).
 * `interactive: true` keeps Ink's resize handling on, as in a real terminal.
 */
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import chalk from 'chalk';
import { render } from 'ink';
import type { ReactElement } from 'react';

// A colour terminal: Ink colours through this same chalk instance, which detected no colour in a
// test worker (stdout is not a TTY). Basic 16 colours are enough to see what is greyed or red.
if (chalk.level < 1) chalk.level = 1;

/** A terminal's stdout: has a size, emits 'resize' when the size changes. */
export class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (data: string, encodingOrCb?: unknown, cb?: unknown): boolean => {
    this.frames.push(data);
    // Debug mode writes a whole frame per commit: keep the recent ones only.
    if (this.frames.length > 200) this.frames.splice(0, 100);
    // Like a real stream: call the write callback (Ink's suspendTerminal waits for it).
    const done = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  };
  /** Changes the size and tells listeners, as a terminal's SIGWINCH does. */
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

class FakeStderr extends EventEmitter {
  readonly isTTY = false;
  writes: string[] = [];
  write = (data: string): boolean => {
    this.writes.push(data);
    return true;
  };
}

/** Same shape as ink-testing-library's Stdin: Ink reads it on 'readable' with read(). */
export class FakeStdin extends EventEmitter {
  isTTY = true;
  rawMode = false;
  private queue: string[] = [];
  write(data: string): void {
    this.queue.push(data);
    this.emit('readable');
    this.emit('data', data);
  }
  read = (): string | null => this.queue.shift() ?? null;
  setEncoding(): void {}
  setRawMode(on: boolean): void {
    this.rawMode = on;
  }
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

/** Raw key bytes, for `press()`. */
export const KEY = {
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  shiftTab: '\x1b[Z',
  backspace: '\x7f',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  home: '\x1b[H',
  end: '\x1b[F',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  ctrlC: '\x03',
} as const;

export interface InkHarness {
  stdout: FakeStdout;
  stdin: FakeStdin;
  /** The last complete frame Ink wrote, with its SGR colour codes. */
  lastFrame(): string;
  /** The last frame with every escape removed: what the operator reads. */
  text(): string;
  /** Writes raw bytes to stdin as one chunk ('\r' Enter, '\x1b' Esc, '\x1b[A' up…), then lets React flush. */
  press(keys: string): Promise<void>;
  /** Presses each key as its own chunk (a typist, not a paste). */
  type(text: string): Promise<void>;
  resize(columns: number, rows: number): Promise<void>;
  /** Resolves with the first frame (plain text) matching; fails with the last frame when none did in time. */
  waitForFrame(predicate: (plain: string, raw: string) => boolean, timeoutMs?: number, what?: string): Promise<string>;
  /** Waits for the frame to contain `text`. */
  waitForText(text: string, timeoutMs?: number): Promise<string>;
  unmount(): void;
}

/** Ink's lone-ESC timeout (20 ms, components/App.js) plus margin. */
const ESC_FLUSH_MS = 40;

/** One turn of the event loop: lets Ink's input parser, React 19 and timers run. */
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export function renderInk(element: ReactElement, size: { columns: number; rows: number } = { columns: 80, rows: 24 }): InkHarness {
  const stdout = new FakeStdout(size.columns, size.rows);
  const stderr = new FakeStderr();
  const stdin = new FakeStdin();
  const instance = render(element, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    interactive: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  let unmounted = false;

  const lastFrame = () => stdout.frames.at(-1) ?? '';
  const text = () => stripVTControlCharacters(lastFrame());

  const waitForFrame: InkHarness['waitForFrame'] = async (predicate, timeoutMs = 5000, what = 'a matching frame') => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const raw = lastFrame();
      const plain = stripVTControlCharacters(raw);
      if (predicate(plain, raw)) return plain;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last frame:\n${plain}`);
      // setImmediate lets React flush; a short timer lets Ink's 20 ms lone-Esc flush and real timers fire.
      await tick();
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  return {
    stdout,
    stdin,
    lastFrame,
    text,
    async press(keys) {
      stdin.write(keys);
      await tick();
      // A chunk ending in a lone ESC is held by Ink's input parser for 20 ms (it could start an
      // escape sequence): let it go out as Escape before anything else is pressed, as a human would.
      if (keys.endsWith('\x1b')) await new Promise((r) => setTimeout(r, ESC_FLUSH_MS));
    },
    async type(chars) {
      for (const ch of chars) {
        stdin.write(ch);
        await tick();
      }
    },
    async resize(columns, rows) {
      stdout.resize(columns, rows);
      await tick();
    },
    waitForFrame,
    waitForText: (t, timeoutMs) => waitForFrame((plain) => plain.includes(t), timeoutMs, JSON.stringify(t)),
    unmount() {
      if (unmounted) return;
      unmounted = true;
      instance.unmount();
    },
  };
}

/** Frame lines (plain text) as the terminal shows them. */
export const linesOf = (plain: string) => plain.split('\n');
