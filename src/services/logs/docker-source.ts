/**
 * The log worker's own way to the Docker engine: the same modem as the Engine's (engine/modem.ts,
 * every transport: unix socket, TCP/TLS, ssh) for the one inspect a stream needs (TTY or not, the
 * container's id), then the log stream itself read straight off the connection (raw-follow.ts),
 * without the rest of the Engine (container list, exec, archive, their schemas).
 */
import { Caller, containerPath, DEFAULT_TIMEOUT_MS } from '../engine/call.js';
import type { EndpointInput } from '../engine/endpoint.js';
import { createModem } from '../engine/modem.js';
import type { SshTransport } from '../engine/ssh.js';
import { followRaw, type RawTarget, rawTarget } from './raw-follow.js';

export interface LogRequest {
  follow: boolean;
  /** Number of past lines; undefined = all. */
  tail?: number;
  /** Epoch seconds. */
  since?: number;
  timestamps: boolean;
}

export class DockerLogSource {
  private readonly caller: Caller;
  private readonly target: RawTarget;
  private readonly ssh: SshTransport | null;
  private readonly stops = new Set<() => void>();

  constructor(endpoint: EndpointInput) {
    const setup = createModem(endpoint);
    this.caller = new Caller(setup.modem, setup.display, setup.configError);
    this.target = rawTarget(setup.modem);
    this.ssh = setup.ssh;
  }

  /**
   * Streams a container's log: the response body's bytes to onData (Docker's 8-byte frames unless
   * `tty`). onEnd once when it ends by itself (error text when it failed), never after stop.
   */
  logs(name: string, req: LogRequest, onData: (chunk: Buffer, tty: boolean) => void, onEnd: (error?: string) => void): () => void {
    let stopped = false;
    let follow: { stop: () => void } | null = null;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      this.stops.delete(stop);
      follow?.stop();
    };
    this.stops.add(stop);
    const finish = (error?: string) => {
      if (stopped) return;
      stopped = true;
      this.stops.delete(stop);
      onEnd(error);
    };
    void this.caller
      .run(`read the logs of ${name}`, name, DEFAULT_TIMEOUT_MS, async (signal) => {
        // The stream format depends on the container's TTY setting, so look first.
        const raw = (await this.caller.dial({ method: 'GET', path: containerPath(name, '/json'), ok: [200] }, signal)) as {
          Id?: unknown;
          Config?: { Tty?: unknown } | null;
        } | null;
        return { tty: raw?.Config?.Tty === true, id: typeof raw?.Id === 'string' && raw.Id !== '' ? raw.Id : name };
      })
      .then((opened) => {
        if (stopped) return;
        if (!opened.ok) return finish(opened.detail);
        const { tty, id } = opened.value;
        const q = new URLSearchParams({ follow: String(req.follow), stdout: 'true', stderr: 'true', timestamps: String(req.timestamps) });
        if (req.tail !== undefined) q.set('tail', String(Math.max(0, Math.floor(req.tail))));
        if (req.since !== undefined) q.set('since', String(req.since));
        follow = followRaw(
          this.target,
          `${containerPath(id, '/logs')}?${q.toString()}`,
          (body) => {
            if (!stopped) onData(body, tty);
          },
          finish,
        );
      });
    return stop;
  }

  close(): void {
    for (const stop of [...this.stops]) stop();
    this.ssh?.close();
  }
}
