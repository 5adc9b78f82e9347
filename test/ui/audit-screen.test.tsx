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

/** Audit records as another process (the CLI, a procedure) appends them, after the cockpit started. */
function appendRecords(m: MountedCockpit, records: Array<Record<string, unknown>>): void {
  const path = m.rt.audit.path;
  m.rt.audit.readRecent();
  mkdirSync(dirname(path), { recursive: true });
  const base = { host: 'vps', sshClient: null, tty: null, profile: 'titan', targets: [], channels: [], error: null };
  for (const r of records) appendFileSync(path, `${JSON.stringify({ ...base, time: new Date().toISOString(), ...r })}\n`);
}

describe('audit screen', () => {
  it('shows records written to the file after the cockpit started, and its footer lists its own keys', async () => {
    c = mountCockpit({ columns: 120, rows: 30 });
    appendRecords(c, [
      { id: 'cli123', operator: 'scripter', action: 'flatten', confirmation: 'FLATTEN', outcome: 'VERIFIED', latencyMs: 12 },
    ]);
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
    appendRecords(
      c,
      (
        [
          ['run:db-credential-rotation', 'VERIFIED'],
          ['run:an-extremely-long-procedure-name-from-a-config-file', 'FAILED'],
          ['halt', 'NOT CONFIRMED'],
        ] as const
      ).map(([action, outcome]) => ({ id: 'p1', operator: 'ops', action, confirmation: 'X', outcome, latencyMs: 5 })),
    );
    await c.press('A');
    const plain = await c.waitForText('run:db-credential-rotation');
    expect(plain).toMatch(/run:db-credential-rotation +VERIFIED/);
    // Cut to the column with an ellipsis, then a space before the outcome.
    expect(plain).toMatch(/run:an-extremely-long-procedure… FAILED/);
    expect(plain).toMatch(/ halt +NOT CONFIRMED/);
  });
});
