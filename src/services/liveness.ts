/**
 * Whether a server that looks connected still answers: NATS between nats.js' own pings, the Docker
 * engine between its periodic re-list. nats.js pings every 10 s and two must be missed before it
 * gives up, and the engine's re-list runs every 30 s, so a frozen server or a link that died silently
 * (no RST) looked connected for 20-40 s. Anything the server sends proves it alive; after `quietMs`
 * with nothing, one ping is sent, and if it has not been answered `answerMs` later the server is
 * reported silent since it was last heard, until anything arrives from it again.
 *
 * While the cockpit is busy with a server (brain's dashboard every second over NATS, the halt-file
 * read every 2 s over Docker) this sends nothing at all.
 */
export interface LivenessOptions {
  /** Silence that starts a PING. */
  quietMs: number;
  /** How long the PING may wait for its PONG before the server is called silent. */
  answerMs: number;
  /** Sends a ping; resolves when it is answered, rejects when it failed (the connection's own state then says why). */
  ping: () => Promise<void>;
  /** The server went silent (since it was last heard), or answered again (null). */
  onChange: (silentSince: number | null) => void;
}

export class Liveness {
  private lastHeard = Date.now();
  private silentSince: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Which connection the timers and PINGs belong to; stop() and start() move it on. */
  private generation = 0;
  private pinging = false;

  constructor(private readonly o: LivenessOptions) {}

  /** A (re)connection: heard from just now. */
  start(): void {
    this.stop();
    this.lastHeard = Date.now();
    this.schedule();
  }

  /** The connection is gone: its own state says so; nothing more to watch or report. */
  stop(): void {
    this.generation++;
    this.pinging = false;
    this.silentSince = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Something arrived from the server. */
  heard(): void {
    this.lastHeard = Date.now();
    if (this.silentSince === null) return;
    this.silentSince = null;
    this.o.onChange(null);
  }

  /** The next check: when the quiet time since the server was last heard is up (or after `delayMs`). */
  private schedule(delayMs = Math.max(0, this.lastHeard + this.o.quietMs - Date.now())): void {
    const gen = this.generation;
    this.timer = setTimeout(() => {
      if (gen === this.generation) this.check();
    }, delayMs);
    this.timer.unref();
  }

  private check(): void {
    this.timer = null;
    if (this.pinging) return;
    if (Date.now() - this.lastHeard < this.o.quietMs) return this.schedule();
    const gen = this.generation;
    const sentAt = Date.now();
    this.pinging = true;
    const late = setTimeout(() => {
      // Anything heard since the ping went out answers it as well as its own reply would.
      if (gen !== this.generation || this.silentSince !== null || this.lastHeard >= sentAt) return;
      this.silentSince = this.lastHeard;
      this.o.onChange(this.silentSince);
    }, this.o.answerMs);
    late.unref();
    this.o.ping().then(
      () => {
        clearTimeout(late);
        if (gen !== this.generation) return;
        this.pinging = false;
        this.heard();
        this.schedule();
      },
      () => {
        // The connection dropped: its status events stop this and start() begins again on the next.
        // Until they do, the next ping waits a whole quiet period (a refused one fails at once).
        clearTimeout(late);
        if (gen !== this.generation) return;
        this.pinging = false;
        this.schedule(this.o.quietMs);
      },
    );
  }
}
