import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from './docker.js';
import { waitFor } from './ports.js';

/** Runs bin/titan-tui in a detached tmux session, as an operator would, and reads the screen. */
export class TmuxSession {
  readonly name = `tt-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;

  constructor(args: string[], env: NodeJS.ProcessEnv, cols = 120, rows = 40) {
    const envArgs = Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : ['-e', `${k}=${v}`]));
    const cmd = ['node', `${PROJECT_ROOT}/bin/titan-tui`, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    execFileSync(
      'tmux',
      ['new-session', '-d', '-s', this.name, '-x', String(cols), '-y', String(rows), ...envArgs, `${cmd}; echo EXITED $?; sleep 600`],
      {
        env: { ...process.env, TMUX: '' },
      },
    );
  }

  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' });
  }

  /** Keys as tmux names them ('Enter', 'Escape', 'Tab') or literal text with literal=true. */
  send(keys: string, literal = true): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...(literal ? ['-l'] : []), keys]);
  }

  key(name: string): void {
    this.send(name, false);
  }

  resize(cols: number, rows: number): void {
    execFileSync('tmux', ['resize-window', '-t', this.name, '-x', String(cols), '-y', String(rows)]);
  }

  async waitFor(pred: (screen: string) => boolean, timeoutMs = 10_000): Promise<string> {
    try {
      return await waitFor(
        () => {
          const s = this.screen();
          return pred(s) ? s : null;
        },
        timeoutMs,
        50,
      );
    } catch {
      throw new Error(`screen never matched within ${timeoutMs} ms; last screen:\n${this.screen()}`);
    }
  }

  async waitForText(text: string | RegExp, timeoutMs = 10_000): Promise<string> {
    return this.waitFor((s) => (typeof text === 'string' ? s.includes(text) : text.test(s)), timeoutMs);
  }

  kill(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  }
}
