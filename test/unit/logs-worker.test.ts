/**
 * The log worker thread and its host on the UI thread: the pane's window comes from the worker,
 * queries answer from the whole ring, and a crashed worker is restarted and says so in the pane,
 * without ever taking the UI thread down.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { TITAN_PROFILE } from '../../src/contract/profiles.js';
import { LogPane } from '../../src/services/log-pane.js';
import { LogWorkerHost } from '../../src/services/logs/host.js';
import type { LogWindow } from '../../src/services/logs/protocol.js';
import type { CockpitEvent } from '../../src/state/events.js';
import { waitFor } from '../helpers/ports.js';

let host: LogWorkerHost | null = null;
afterEach(async () => {
  await host?.stop();
  host = null;
});

function start() {
  const events: CockpitEvent[] = [];
  host = new LogWorkerHost(
    { engine: { socketPath: '/nonexistent/docker.sock' }, patterns: TITAN_PROFILE.logPatterns, ringLines: 500, tail: 10, flushMs: 50 },
    (e) => events.push(e),
  );
  const pane = new LogPane(host, (e) => events.push(e), { ringLines: 500, serviceOf: () => 'execution' });
  let last: LogWindow | null = null;
  pane.subscribe(() => {
    last = pane.window;
  });
  pane.setView({ rows: 5, width: 80, wrap: false, endSeq: null, filter: '' });
  return { host, pane, events, window: () => last as LogWindow | null };
}

describe('log worker', () => {
  it('the pane gets only the visible window; queries and saves run over the whole ring', async () => {
    const { pane, window } = start();
    pane.inject({ bytes: Buffer.from(`${Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n')}\n`) });
    await waitFor(() => window()?.size === 50, 20_000);
    const w = window() as LogWindow;
    expect(w.lines.map((l) => l.text)).toEqual(['line 45', 'line 46', 'line 47', 'line 48', 'line 49']);
    expect(pane.firstSeq()).toBe(0);
    expect(pane.lastSeq()).toBe(49);
    // A filter is counted where the lines are; matches come highlighted.
    pane.setView({ rows: 5, width: 80, wrap: false, endSeq: null, filter: 'line 1' });
    await waitFor(() => window()?.view?.filter === 'line 1' && !window()?.pending, 10_000);
    expect(window()?.matches).toBe(11); // line 1, line 10..19
    expect(window()?.lines.at(-1)?.hl).toEqual([[0, 6]]);
    expect(await pane.findMatch('line 1', 49, -1)).toBe(19);
    expect(await pane.findMatch('line 1', 19, 1)).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'logs-save-'));
    try {
      expect(await pane.save(join(dir, 'x', 'saved.log'))).toBe(50);
      expect(readFileSync(join(dir, 'x', 'saved.log'), 'utf8').split('\n')[0]).toBe('line 0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a crashed worker is restarted, reported as an error in the pane, and shows what happened', async () => {
    const { host: h, pane, events, window } = start();
    pane.attach('titan-execution');
    await waitFor(() => window() !== null, 20_000);
    const worker = (h as unknown as { worker: Worker }).worker;
    await worker.terminate(); // as a crash would end it
    await waitFor(() => events.some((e) => e.type === 'logs.error' && /log worker crashed/.test(e.error)), 10_000);
    // Restarted with the pane's container and view: its first line says what happened.
    await waitFor(() => window()?.lines.some((l) => /the log worker crashed at .* and was restarted/.test(l.text)) === true, 20_000);
    expect((h as unknown as { worker: Worker | null }).worker).not.toBe(worker);
  }, 60_000);
});
