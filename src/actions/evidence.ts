import type { HaltWatch } from '../services/halt-watch.js';
import type { CockpitStore } from '../state/store.js';
import type { EvidenceLine, HaltFileState } from '../state/types.js';

export type Evidence =
  | { kind: 'evidence'; detail: string; at: number }
  | { kind: 'rejected'; detail: string; at: number }
  | {
      kind: 'timeout';
      at: number;
      /** Lines of the expected kind that could not be proven this command's (another source, too early, unparsed). */
      unproven: string[];
    };

/**
 * How a log line is tied to the command that was sent:
 * - 'id': the engine echoes what we sent (halt and resume reasons carry `#<id>`), so only a line
 *   holding this command's id counts; any other is someone else's, shown as state, never evidence;
 * - 'written-after': nothing of ours travels (flatten, the engine's rejection line), so the line
 *   must have been written after the send by the engine's own timestamp; a line without one (it
 *   did not parse, two writers merged) never counts.
 */
export type Correlation = { by: 'id'; id: string } | { by: 'written-after' };

export interface WaitSpec {
  /** When the command was sent (Date.now() just before the publish). */
  since: number;
  timeoutMs: number;
  /** Log evidence that proves the effect, and how it is tied to this command. */
  line?: (l: EvidenceLine) => boolean;
  correlate?: Correlation;
  /** Log evidence that the command was refused (tied by its id when it has one, else by time). */
  rejectLine?: (l: EvidenceLine) => boolean;
  /** Halt-file state that proves the effect. */
  file?: (f: HaltFileState) => boolean;
  haltWatch?: HaltWatch;
  /** Poll interval of the halt file while waiting. */
  pollMs?: number;
  signal?: AbortSignal;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/** Whether the line is provably this command's: its id, or written by the engine after the send. */
export function provenBy(l: EvidenceLine, correlate: Correlation, since: number): boolean {
  if (correlate.by === 'id') return l.text.includes(`#${correlate.id}`);
  return l.writtenAt !== undefined && l.writtenAt >= since;
}

function describe(l: EvidenceLine, correlate: Correlation): string {
  const when = l.writtenAt !== undefined ? `at ${clock(l.writtenAt)}` : 'at an unknown time';
  const tie = correlate.by === 'id' ? `carries #${correlate.id}` : 'written after the send';
  return `${l.service} logged ${when} (${tie}): ${l.text}`;
}

function whyNot(l: EvidenceLine, correlate: Correlation, since: number): string {
  const when = l.writtenAt !== undefined ? `at ${clock(l.writtenAt)}` : 'with no time of its own';
  if (correlate.by === 'id')
    return `${l.service} logged "${l.text.slice(0, 80)}" ${when} without this command's #${correlate.id}: another source`;
  return l.writtenAt === undefined
    ? `${l.service} logged "${l.text.slice(0, 80)}" with no parsable time of its own: not provably after the send`
    : `${l.service} logged "${l.text.slice(0, 80)}" ${when}, before the send at ${clock(since)}`;
}

/**
 * Waits for the system's own evidence: a contract log line provably caused by this command, or the
 * halt file in the expected state. Never resolves "verified" on the strength of having sent something.
 */
export function waitForEvidence(store: CockpitStore, spec: WaitSpec): Promise<Evidence> {
  const correlate: Correlation = spec.correlate ?? { by: 'written-after' };
  const rejectTie: Correlation = correlate.by === 'id' ? correlate : { by: 'written-after' };
  const unproven: string[] = [];
  return new Promise((resolve) => {
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (e: Evidence) => {
      if (done) return;
      done = true;
      unsub();
      for (const t of timers) clearTimeout(t);
      resolve(e);
    };
    const checkLines = (lines: EvidenceLine[]) => {
      for (const l of lines) {
        if (spec.rejectLine?.(l)) {
          // A rejection carries no id (the engine does not echo an unknown state): tie it by time.
          if (provenBy(l, rejectTie, spec.since) || provenBy(l, { by: 'written-after' }, spec.since))
            return finish({ kind: 'rejected', detail: describe(l, { by: 'written-after' }), at: Date.now() });
          continue;
        }
        if (!spec.line?.(l)) continue;
        if (provenBy(l, correlate, spec.since)) return finish({ kind: 'evidence', detail: describe(l, correlate), at: Date.now() });
        if (unproven.length < 5) unproven.push(whyNot(l, correlate, spec.since));
      }
    };
    const unsub = store.subscribe((s, prev) => {
      if (s.evidence.recent !== prev.evidence.recent) checkLines(s.evidence.recent.filter((l) => !prev.evidence.recent.includes(l)));
    });
    // Lines already in the store count only when proven (an id is unique; a time must be after the send).
    checkLines(store.getState().evidence.recent);
    if (spec.file && spec.haltWatch) {
      const poll = async () => {
        if (done) return;
        const f = await spec.haltWatch?.refresh();
        if (done) return;
        if (f && spec.file?.(f))
          finish({
            kind: 'evidence',
            detail: f.present ? `halt file present: "${(f.content ?? '').slice(0, 120)}"` : 'halt file absent',
            at: Date.now(),
          });
        else timers.push(setTimeout(poll, spec.pollMs ?? 100));
      };
      void poll();
    }
    const timedOut = () => {
      // A flood may have made the evidence watch drop candidate lines: then it cannot say it saw all.
      const gap = store.getState().evidence.gap;
      if (gap && gap.at >= spec.since)
        unproven.push(
          `the evidence watch dropped ${gap.lost} candidate line(s) of ${gap.service} in a flood: it cannot say it saw every line`,
        );
      finish({ kind: 'timeout', at: Date.now(), unproven });
    };
    timers.push(setTimeout(timedOut, spec.timeoutMs));
    spec.signal?.addEventListener('abort', () => finish({ kind: 'timeout', at: Date.now(), unproven }), { once: true });
  });
}
