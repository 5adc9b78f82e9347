import type { CockpitStore } from '../state/store.js';
import type { EvidenceLine, HaltFileState } from '../state/types.js';
import type { HaltWatch } from '../services/halt-watch.js';

export type Evidence =
  | { kind: 'evidence'; detail: string; at: number }
  | { kind: 'rejected'; detail: string; at: number }
  | { kind: 'timeout'; at: number };

export interface WaitSpec {
  since: number;
  timeoutMs: number;
  /** Log evidence that proves the effect. */
  line?: (l: EvidenceLine) => boolean;
  /** Log evidence that proves the command was refused. */
  rejectLine?: (l: EvidenceLine) => boolean;
  /** Halt-file state that proves the effect. */
  file?: (f: HaltFileState) => boolean;
  haltWatch?: HaltWatch;
  /** Poll interval of the halt file while waiting. */
  pollMs?: number;
  signal?: AbortSignal;
}

/**
 * Waits for the system's own evidence: a contract log line seen after `since`, or the halt file
 * in the expected state. Never resolves "verified" on the strength of having sent something.
 */
export function waitForEvidence(store: CockpitStore, spec: WaitSpec): Promise<Evidence> {
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
        if (l.at < spec.since) continue;
        if (spec.rejectLine?.(l)) return finish({ kind: 'rejected', detail: `${l.service} logged: ${l.text}`, at: l.at });
        if (spec.line?.(l)) return finish({ kind: 'evidence', detail: `${l.service} logged: ${l.text}`, at: l.at });
      }
    };
    const unsub = store.subscribe((s, prev) => {
      if (s.evidence.recent !== prev.evidence.recent) checkLines(s.evidence.recent.filter((l) => !prev.evidence.recent.includes(l)));
    });
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
    timers.push(setTimeout(() => finish({ kind: 'timeout', at: Date.now() }), spec.timeoutMs));
    spec.signal?.addEventListener('abort', () => finish({ kind: 'timeout', at: Date.now() }), { once: true });
  });
}
