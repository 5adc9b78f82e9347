/**
 * A NATS connection that never gives up: retries the first connect forever, lets the
 * client reconnect across server restarts, and rebuilds the connection if it closes.
 * The real services are restarted by Docker instead; the sims must just stay up.
 */
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';

export type LinkEvent = 'connected' | 'disconnected' | 'reconnected' | 'closed' | 'connect-failed';

export interface NatsLinkOptions {
  url: string;
  user?: string;
  pass?: string;
  name: string;
  /** Runs on every fresh connection (not on reconnects: the client restores subscriptions itself). */
  onConnect: (nc: NatsConnection) => Promise<void> | void;
  onEvent?: (event: LinkEvent, detail?: string) => void;
  retryMs?: number;
}

export interface NatsLink {
  connected(): boolean;
  /** Best effort: false when there is no connection or the client refused the publish. */
  publish(subject: string, data: string | Uint8Array, hdrs?: Record<string, string>): boolean;
  connection(): NatsConnection | undefined;
  stop(): Promise<void>;
}

export function startNatsLink(opts: NatsLinkOptions): NatsLink {
  const retryMs = opts.retryMs ?? 500;
  let stopped = false;
  let nc: NatsConnection | undefined;
  let isConnected = false;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = undefined;
        resolve();
      };
    });

  const watch = async (c: NatsConnection) => {
    for await (const s of c.status()) {
      if (s.type === 'disconnect') {
        isConnected = false;
        opts.onEvent?.('disconnected', s.server);
      }
      if (s.type === 'reconnect') {
        isConnected = true;
        opts.onEvent?.('reconnected', s.server);
      }
    }
  };

  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      let c: NatsConnection | undefined;
      try {
        c = await connect({
          servers: opts.url,
          user: opts.user,
          pass: opts.pass,
          name: opts.name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: retryMs,
          timeout: 5_000,
          ignoreAuthErrorAbort: true,
        });
      } catch (e) {
        // Report the first failure of a streak only; retrying is silent like a supervisor loop.
        if (failures++ === 0) opts.onEvent?.('connect-failed', e instanceof Error ? e.message : String(e));
        await sleep(retryMs);
        continue;
      }
      if (stopped) {
        await c.close().catch(() => {});
        break;
      }
      failures = 0;
      nc = c;
      isConnected = true;
      watch(c).catch(() => {});
      try {
        await opts.onConnect(c);
        opts.onEvent?.('connected', opts.url);
      } catch (e) {
        opts.onEvent?.('connect-failed', e instanceof Error ? e.message : String(e));
        await c.close().catch(() => {});
      }
      await c.closed();
      isConnected = false;
      nc = undefined;
      if (!stopped) {
        opts.onEvent?.('closed');
        await sleep(retryMs);
      }
    }
  };
  const running = loop();

  return {
    connected: () => isConnected && nc !== undefined && !nc.isClosed(),
    connection: () => nc,
    publish(subject, data, hdrs) {
      const c = nc;
      if (!c || c.isClosed()) return false;
      try {
        if (hdrs) {
          const h = natsHeaders();
          for (const [k, v] of Object.entries(hdrs)) h.set(k, v);
          c.publish(subject, data, { headers: h });
        } else {
          c.publish(subject, data);
        }
        return true;
      } catch {
        return false;
      }
    },
    async stop() {
      stopped = true;
      wake?.();
      const c = nc;
      if (c && !c.isClosed()) await c.close().catch(() => {});
      await running;
    },
  };
}
