import type { Emit } from '../state/events.js';
import type { CockpitStore } from '../state/store.js';
import type { Engine } from './engine.js';
import type { EvidenceMatcher } from './logs/evidence.js';
import { LogRing } from './logs/ring.js';
import { LogStream } from './logs/log-stream.js';

interface Followed {
  stop: () => void;
  startedAt: string;
}

/**
 * Follows the execution and brain logs from "now" on, only to catch the contract's evidence lines
 * (halt activated, lifted, rejected, breaker...). Independent of the log pane, so what the
 * operator is viewing never affects verification. Re-attaches when a container (re)starts.
 */
export class EvidenceWatch {
  private followed = new Map<string, Followed>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly store: CockpitStore,
    private readonly emit: Emit,
    private readonly matcher: EvidenceMatcher,
    private readonly services: () => Array<{ name: string; service: 'execution' | 'brain' }>,
  ) {}

  start(): void {
    this.sync();
    this.unsubscribe = this.store.subscribe((s, prev) => {
      if (s.containers !== prev.containers) this.sync();
    });
  }

  stop(): void {
    this.unsubscribe?.();
    for (const f of this.followed.values()) f.stop();
    this.followed.clear();
  }

  private sync(): void {
    const list = this.store.getState().containers.value;
    for (const { name, service } of this.services()) {
      const c = list.find((x) => x.name === name);
      const running = c?.state === 'running';
      const cur = this.followed.get(name);
      if (cur && (!running || cur.startedAt !== c?.startedAt)) {
        cur.stop();
        this.followed.delete(name);
      }
      if (running && c && !this.followed.has(name)) this.follow(name, service, c.startedAt);
    }
  }

  private follow(name: string, service: 'execution' | 'brain', startedAt: string): void {
    const stream = new LogStream({
      ring: new LogRing(200),
      emit: this.emit,
      container: `evidence:${name}`,
      service,
      matcher: this.matcher,
      evidenceOnly: true,
    });
    const since = Math.floor(Date.now() / 1000) - 1;
    const stopLogs = this.engine.logs(
      name,
      { follow: true, since, timestamps: false },
      (s, chunk) => stream.onData(s, chunk),
      (error) => {
        stream.onEnd(error);
        const f = this.followed.get(name);
        if (f?.startedAt === startedAt) this.followed.delete(name);
      },
    );
    this.followed.set(name, {
      startedAt,
      stop: () => {
        stopLogs();
        stream.stop();
      },
    });
  }
}
