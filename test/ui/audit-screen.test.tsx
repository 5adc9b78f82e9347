/**
 * The Audit screen shows the audit file as it is when the screen opens: records another process
 * wrote since the cockpit started (the CLI, a procedure, a second cockpit) are there too.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type MountedCockpit, mountCockpit } from '../helpers/cockpit.js';

let c: MountedCockpit | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

describe('audit screen', () => {
  it('shows records written to the file after the cockpit started, and its footer lists its own keys', async () => {
    c = mountCockpit({ columns: 120, rows: 30 });
    const path = c.rt.audit.path;
    c.rt.audit.readRecent();
    mkdirSync(dirname(path), { recursive: true });
    const record = {
      time: new Date().toISOString(),
      id: 'cli123',
      operator: 'scripter',
      host: 'vps',
      sshClient: null,
      tty: null,
      profile: 'titan',
      action: 'flatten',
      targets: [],
      confirmation: 'FLATTEN',
      outcome: 'VERIFIED',
      channels: [],
      latencyMs: 12,
      error: null,
    };
    appendFileSync(path, `${JSON.stringify(record)}\n`);
    await c.press('A');
    const plain = await c.waitForText('scripter');
    expect(plain).toMatch(/scripter\s+flatten\s+VERIFIED/);
    expect(plain).not.toContain('no records');
    const footer = plain.split('\n').at(-1) ?? '';
    expect(footer).toMatch(/esc back/);
    expect(footer).not.toMatch(/tab pane|f follow/);
  });

  it('a long action name (a procedure run) keeps its own column: the outcome never runs into it', async () => {
    c = mountCockpit({ columns: 140, rows: 30 });
    const path = c.rt.audit.path;
    c.rt.audit.readRecent();
    mkdirSync(dirname(path), { recursive: true });
    const base = {
      id: 'p1',
      operator: 'ops',
      host: 'vps',
      sshClient: null,
      tty: null,
      profile: 'titan',
      targets: [],
      channels: [],
      error: null,
    };
    for (const [action, outcome] of [
      ['run:db-credential-rotation', 'VERIFIED'],
      ['run:an-extremely-long-procedure-name-from-a-config-file', 'FAILED'],
      ['halt', 'NOT CONFIRMED'],
    ] as const)
      appendFileSync(
        path,
        `${JSON.stringify({ ...base, time: new Date().toISOString(), action, confirmation: 'X', outcome, latencyMs: 5 })}\n`,
      );
    await c.press('A');
    const plain = await c.waitForText('run:db-credential-rotation');
    expect(plain).toMatch(/run:db-credential-rotation +VERIFIED/);
    // Cut to the column with an ellipsis, then a space before the outcome.
    expect(plain).toMatch(/run:an-extremely-long-procedure… FAILED/);
    expect(plain).toMatch(/ halt +NOT CONFIRMED/);
  });
});
