/**
 * Whether the NATS server still answers, between nats.js' own pings. Those go every 10 s and two
 * must be missed before nats.js gives up, so a frozen server or a link that died silently (no RST)
 * looked connected for 20-30 s. Any message from the server proves it alive; after `quietMs` with
 * none, one PING (a flush) is sent, and if its PONG has not come `answerMs` later the server is
 * reported silent since it was last heard, until anything arrives from it again.
 *
 * With brain's dashboard arriving every second this sends nothing at all while things are well.
 */
export interface LivenessOptions {
  /** Silence that starts a PING. */
  quietMs: number;
  /** How long the PING may wait for its PONG before the server is called silent. */
  answerMs: number;
  /** Sends a PING; resolves on its PONG, rejects when the connection is gone. */
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

  private schedule(): void {
    const gen = this.generation;
    const due = Math.max(0, this.lastHeard + this.o.quietMs - Date.now());
    this.timer = setTimeout(() => {
      if (gen === this.generation) this.check();
    }, due);
    this.timer.unref();
  }

  private check(): void {
    this.timer = null;
    if (this.pinging) return;
    if (Date.now() - this.lastHeard < this.o.quietMs) return this.schedule();
    const gen = this.generation;
    this.pinging = true;
    const late = setTimeout(() => {
      if (gen !== this.generation || this.silentSince !== null) return;
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
        clearTimeout(late);
        if (gen !== this.generation) return;
        this.pinging = false;
        this.schedule();
      },
    );
  }
}
