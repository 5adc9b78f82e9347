/**
 * Best-effort creation of the five TITAN_* streams (contract §1.4) through the raw
 * JetStream API, so a JetStream-enabled server stores commands and dashboard updates
 * the way production does. The real brain refuses to start without JetStream; the sim
 * only logs and carries on (the test server has no JetStream).
 */
import type { NatsConnection } from '@nats-io/transport-node';

const NS_PER_SEC = 1_000_000_000;
const DAY = 24 * 3600;

export const TITAN_STREAMS = [
  {
    name: 'TITAN_CMD',
    subjects: ['titan.cmd.>'],
    retention: 'workqueue',
    storage: 'file',
    max_age: 7 * DAY * NS_PER_SEC,
    duplicate_window: 60 * NS_PER_SEC,
  },
  {
    name: 'TITAN_EVT',
    subjects: ['titan.evt.>'],
    retention: 'limits',
    storage: 'file',
    max_age: 30 * DAY * NS_PER_SEC,
    max_bytes: 10 * 1024 ** 3,
  },
  { name: 'TITAN_DATA', subjects: ['titan.data.>'], retention: 'limits', storage: 'memory', max_age: 15 * 60 * NS_PER_SEC },
  { name: 'TITAN_SIGNAL', subjects: ['titan.signal.>'], retention: 'limits', storage: 'file', max_age: DAY * NS_PER_SEC },
  { name: 'TITAN_DLQ', subjects: ['titan.dlq.>'], retention: 'limits', storage: 'file', max_age: 30 * DAY * NS_PER_SEC },
] as const;

/** Returns one plain-text log line per stream, the way the brain prints them. */
export async function ensureTitanStreams(nc: NatsConnection): Promise<string[]> {
  const lines: string[] = [];
  for (const cfg of TITAN_STREAMS) {
    try {
      const reply = await nc.request(`$JS.API.STREAM.CREATE.${cfg.name}`, JSON.stringify({ num_replicas: 1, discard: 'old', ...cfg }), {
        timeout: 2_000,
      });
      const body = reply.json<{ error?: { code: number; err_code?: number; description?: string } }>();
      // 10058: already exists (possibly with another config) — fine for a sim.
      if (!body.error || body.error.err_code === 10058) lines.push(`Verified JetStream stream: ${cfg.name}`);
      else lines.push(`⚠️ Could not create JetStream stream ${cfg.name}: ${body.error.description ?? body.error.code}`);
    } catch (e) {
      lines.push(`⚠️ JetStream not available (${e instanceof Error ? e.message : String(e)}); streams not verified`);
      break;
    }
  }
  return lines;
}
