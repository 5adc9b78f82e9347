import type { CockpitStore } from '../state/store.js';
import type { LogWorkerHost } from './logs/host.js';

interface Followed {
  startedAt: string;
}

/**
 * Follows the execution and brain logs from "now" on, only to catch the contract's evidence lines
 * (halt activated, lifted, rejected, breaker...). Independent of the log pane, so what the
 * operator is viewing never affects verification. Re-attaches when a container (re)starts.
 *
 * The streams run in the log worker, which searches every chunk for the patterns' literals and
 * decodes only the lines that hold one (src/services/logs/intake.ts): evidence events reach the
 * store as soon as the worker sees them, whatever else floods the log.
 */
export class EvidenceWatch {
  private followed = new Map<string, Followed>();
  /** Containers followed at least once since start. */
  private readonly seen = new Set<string>();
  private unsubscribe: (() => void) | null = null;
  private unsubEnded: (() => void) | null = null;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly host: LogWorkerHost,
    private readonly store: CockpitStore,
    private readonly services: () => Array<{ name: string; service: 'execution' | 'brain' }>,
  ) {}

  /** When the watch started (epoch s): a first follow reads from there, however late it attaches. */
  private startedSec = 0;

  start(): void {
    this.startedSec = Math.floor(Date.now() / 1000) - 1;
    this.unsubEnded = this.host.onFollowEnded((name) => {
      this.followed.delete(name);
      // Ended while the container still runs (a Docker hiccup): follow again shortly, not in a loop.
      if (this.retry === null)
        this.retry = setTimeout(() => {
          this.retry = null;
          if (this.unsubscribe) this.sync();
        }, 1000).unref();
    });
    this.sync();
    this.unsubscribe = this.store.subscribe((s, prev) => {
      if (s.containers !== prev.containers) this.sync();
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.unsubEnded?.();
    if (this.retry) clearTimeout(this.retry);
    for (const name of this.followed.keys()) this.host.send({ t: 'unfollow', name });
    this.followed.clear();
  }

  private sync(): void {
    const list = this.store.getState().containers.value;
    for (const { name, service } of this.services()) {
      const c = list.find((x) => x.name === name);
      const running = c?.state === 'running';
      const cur = this.followed.get(name);
      if (cur && (!running || cur.startedAt !== c?.startedAt)) {
        this.host.send({ t: 'unfollow', name });
        this.followed.delete(name);
      }
      if (running && c && !this.followed.has(name)) {
        // From the watch's start the first time: the container list and the worker can take seconds
        // under load, and a command sent meanwhile must not lose its evidence lines. Later (the
        // container restarted, the stream ended) from a second ago. Older lines never count:
        // evidence is matched by the command's id or its time (src/actions/evidence.ts).
        const since = this.seen.has(name) ? Math.floor(Date.now() / 1000) - 1 : this.startedSec;
        this.seen.add(name);
        this.followed.set(name, { startedAt: c.startedAt });
        this.host.send({ t: 'follow', name, service, since });
      }
    }
  }
}
