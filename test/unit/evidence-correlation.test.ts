/**
 * Evidence counts only when it is provably this command's: the engine's echo of its id, or a line
 * the engine wrote (by its own clock) after the send. Also: the log stream takes that time from the
 * line itself, never from when Docker or the cockpit read it.
 */
import { describe, expect, it } from 'vitest';
import { waitForEvidence } from '../../src/actions/evidence.js';
import { EvidenceMatcher } from '../../src/services/logs/evidence.js';
import { LogRing } from '../../src/services/logs/ring.js';
import { LogStream } from '../../src/services/logs/log-stream.js';
import type { CockpitEvent } from '../../src/state/events.js';
import { createCockpitStore } from '../../src/state/store.js';
import type { EvidenceLine } from '../../src/state/types.js';
import { TITAN_PROFILE } from '../../src/contract/profiles.js';

const line = (kind: string, text: string, writtenAt?: number): EvidenceLine => ({
  service: 'execution',
  kind,
  patternId: `exec-${kind}`,
  text,
  at: Date.now(),
  ...(writtenAt === undefined ? {} : { writtenAt }),
});

describe('evidence correlation', () => {
  it("a halt line without this command's id never verifies it, however late it arrives; one with the id does", async () => {
    const store = createCockpitStore();
    const since = Date.now();
    const wait = waitForEvidence(store, {
      since,
      timeoutMs: 300,
      line: (l) => l.kind === 'halt',
      correlate: { by: 'id', id: 'abc123' },
    });
    // Processed after the send, even stamped after it: still someone else's halt.
    store.emit({ type: 'evidence', line: line('halt', '🚨 SYSTEM HALT ACTIVATED: drill [titan-tui bob #zzz999]', since + 5) });
    store.emit({ type: 'evidence', line: line('halt', '🚨 SYSTEM HALT ACTIVATED: OPERATOR EMERGENCY') });
    const ev = await wait;
    expect(ev.kind).toBe('timeout');
    if (ev.kind === 'timeout') expect(ev.unproven.join(' ')).toMatch(/without this command's #abc123: another source/);

    const ok = waitForEvidence(store, { since, timeoutMs: 1000, line: (l) => l.kind === 'halt', correlate: { by: 'id', id: 'abc123' } });
    store.emit({ type: 'evidence', line: line('halt', '🚨 SYSTEM HALT ACTIVATED: drill [titan-tui alice #abc123]', since - 50) });
    const proof = await ok;
    expect(proof.kind).toBe('evidence');
    if (proof.kind === 'evidence') expect(proof.detail).toMatch(/carries #abc123/);
  });

  it('a line that carries no id counts only when the engine wrote it after the send, by its own time', async () => {
    const store = createCockpitStore();
    const since = Date.now();
    const spec = { since, timeoutMs: 300, line: (l: EvidenceLine) => l.kind === 'flatten', correlate: { by: 'written-after' } as const };
    const early = waitForEvidence(store, spec);
    store.emit({ type: 'evidence', line: line('flatten', '🚨 RECEIVED FLATTEN COMMAND', since - 1) }); // written before, read after
    store.emit({ type: 'evidence', line: line('flatten', '🚨 RECEIVED FLATTEN COMMAND') }); // did not parse: no time of its own
    const ev = await early;
    expect(ev.kind).toBe('timeout');
    if (ev.kind === 'timeout') {
      expect(ev.unproven[0]).toMatch(/before the send/);
      expect(ev.unproven[1]).toMatch(/no parsable time of its own/);
    }
    const later = waitForEvidence(store, { ...spec, timeoutMs: 1000 });
    store.emit({ type: 'evidence', line: line('flatten', '🚨 RECEIVED FLATTEN COMMAND', since + 2) });
    expect((await later).kind).toBe('evidence');
  });

  it('a rejection line counts against the command only when written after the send', async () => {
    const store = createCockpitStore();
    const since = Date.now();
    const wait = waitForEvidence(store, {
      since,
      timeoutMs: 1000,
      line: (l) => l.kind === 'lift',
      correlate: { by: 'id', id: 'r1' },
      rejectLine: (l) => l.kind === 'rejected',
    });
    store.emit({ type: 'evidence', line: line('rejected', 'Received unknown system state: NORMAL', since - 10) });
    store.emit({ type: 'evidence', line: line('rejected', 'Received unknown system state: NORMAL', since + 10) });
    expect((await wait).kind).toBe('rejected');
  });

  it('the log stream stamps evidence with the time written in the line, not the time it was read', () => {
    const events: CockpitEvent[] = [];
    const stream = new LogStream({
      ring: new LogRing(10),
      emit: (e) => events.push(e),
      container: 'x',
      service: 'execution',
      matcher: new EvidenceMatcher(TITAN_PROFILE.logPatterns),
    });
    const written = '2026-01-02T03:04:05.678901Z';
    const json = JSON.stringify({
      timestamp: written,
      level: 'WARN',
      fields: { message: '🚨 SYSTEM HALT ACTIVATED: x [titan-tui a #q1]' },
    });
    stream.onData('stdout', Buffer.from(`${json}\n🚨 SYSTEM HALT ACTIVATED: merged{"timestamp":"${written}"\n`));
    stream.stop();
    const ev = events.flatMap((e) => (e.type === 'evidence' ? [e.line] : []));
    expect(ev).toHaveLength(2);
    expect(ev[0]?.writtenAt).toBe(Date.parse(written));
    expect(ev[1]?.writtenAt).toBeUndefined(); // a line that did not parse has no time of its own
  });
});
