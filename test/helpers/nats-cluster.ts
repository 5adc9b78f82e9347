/**
 * A 3-node NATS cluster on loopback (Debian's nats-server 2.9): every node with the production-like
 * users, full-mesh routes, and a monitoring port (to wait for the routes and count clients).
 */
import { type NatsServer, type NatsServerOptions, startNatsServer, usersBlock } from './nats-server.js';
import { freePort, waitFor } from './ports.js';

export interface NatsClusterNode extends NatsServer {
  name: string;
  monitorPort: number;
  /** Clients connected to this node now (`/connz`), 0 when it is down. */
  clients(): Promise<number>;
}

export interface NatsCluster {
  nodes: NatsClusterNode[];
  /** Every node's URL. */
  urls: string[];
  stop(): Promise<void>;
}

async function monitor(port: number, path: string): Promise<Record<string, unknown> | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1000) });
    return (await res.json()) as Record<string, unknown>;
  } catch {
    return null;
  }
}

type ClusterOptions = Pick<NatsServerOptions, 'auth'> & { size?: number; extraConfig?: string };

/**
 * The ports are picked free, then bound by nats-server seconds later, one node after another; other
 * test files pick ports meanwhile, and one of them took a node's monitoring port once (nats-server:
 * "address already in use"). Then the nodes started so far are stopped and the cluster starts again
 * on new ports.
 */
export async function startNatsCluster(opts: ClusterOptions = {}): Promise<NatsCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startNatsClusterOnce(opts);
    } catch (err) {
      if (attempt >= 3 || !(err instanceof Error) || !err.message.includes('address already in use')) throw err;
    }
  }
}

async function startNatsClusterOnce(opts: ClusterOptions): Promise<NatsCluster> {
  const size = opts.size ?? 3;
  const ports = await Promise.all(Array.from({ length: size }, () => freePort()));
  const clusterPorts = await Promise.all(Array.from({ length: size }, () => freePort()));
  const monitorPorts = await Promise.all(Array.from({ length: size }, () => freePort()));
  const routes = clusterPorts.map((p) => `nats-route://127.0.0.1:${p}`).join(', ');
  const nodes: NatsClusterNode[] = [];
  const stopAll = () => Promise.all(nodes.map((n) => n.stop()));
  for (let i = 0; i < size; i++) {
    const name = `n${i + 1}`;
    const server = await startNatsServer({
      port: ports[i],
      auth: opts.auth ?? usersBlock(),
      extraConfig: `
server_name: ${name}
http: 127.0.0.1:${monitorPorts[i]}
cluster {
  name: titan-test
  listen: 127.0.0.1:${clusterPorts[i]}
  routes: [ ${routes} ]
}
${opts.extraConfig ?? ''}
`,
    }).catch(async (err: unknown) => {
      await stopAll();
      throw err;
    });
    const monitorPort = monitorPorts[i] as number;
    nodes.push({
      ...server,
      name,
      monitorPort,
      clients: async () => Number((await monitor(monitorPort, '/connz'))?.num_connections ?? 0),
    });
  }
  // Ready when every node routes to every other one.
  await waitFor(async () => {
    const counts = await Promise.all(nodes.map((n) => monitor(n.monitorPort, '/routez')));
    return counts.every((r) => Number(r?.num_routes ?? 0) >= size - 1);
  }, 15_000).catch(async (err: unknown) => {
    await stopAll();
    throw err;
  });
  return {
    nodes,
    urls: nodes.map((n) => n.url),
    stop: async () => {
      await stopAll();
    },
  };
}
