import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from './docker.js';
import { waitFor } from './ports.js';

/** Runs bin/titan-tui in a detached tmux session, as an operator would, and reads the screen. */
export class TmuxSession {
  readonly name = `tt-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;

  /**
   * Runs `bin/titan-tui ARGS` on this Node, or `command` instead when given (e.g. `npm run demo`), in
   * cwd (default: the current directory).
   */
  constructor(args: string[], env: NodeJS.ProcessEnv, cols = 120, rows = 40, cwd?: string, command?: string[]) {
    const envArgs = Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : ['-e', `${k}=${v}`]));
    const argv = command ?? [process.execPath, `${PROJECT_ROOT}/bin/titan-tui`, ...args];
    const cmd = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    execFileSync(
      'tmux',
      [
        '-L',
        this.name,
        'new-session',
        '-d',
        '-s',
        this.name,
        '-x',
        String(cols),
        '-y',
        String(rows),
        ...(cwd ? ['-c', cwd] : []),
        ...envArgs,
        `${cmd}; echo EXITED $?; sleep 600`,
      ],
      {
        env: { ...process.env, TMUX: '' },
      },
    );
  }

  screen(): string {
    return execFileSync('tmux', ['-L', this.name, 'capture-pane', '-p', '-t', this.name], { encoding: 'utf8' });
  }

  /** Keys as tmux names them ('Enter', 'Escape', 'Tab') or literal text with literal=true. */
  send(keys: string, literal = true): void {
    execFileSync('tmux', ['-L', this.name, 'send-keys', '-t', this.name, ...(literal ? ['-l'] : []), keys]);
  }

  key(name: string): void {
    this.send(name, false);
  }

  resize(cols: number, rows: number): void {
    execFileSync('tmux', ['-L', this.name, 'resize-window', '-t', this.name, '-x', String(cols), '-y', String(rows)]);
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

  /** PID of the pane's shell (the cockpit is its child). */
  panePid(): number {
    return Number(
      execFileSync('tmux', ['-L', this.name, 'display-message', '-p', '-t', this.name, '#{pane_pid}'], { encoding: 'utf8' }).trim(),
    );
  }

  /** Each session has its own tmux server (-L): no race with another test's server shutting down. */
  kill(): void {
    try {
      execFileSync('tmux', ['-L', this.name, 'kill-server'], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  }
}
