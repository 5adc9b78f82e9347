import type { Runtime } from '../runtime.js';

/** Waits until the first reading of every source is in (or the deadline passes). */
export async function settle(rt: Runtime, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  const ready = () => {
    const s = rt.store.getState();
    const c = s.connections;
    const probed = ['brain', 'execution'].every((n) => s.probes[n]);
    return (
      c.nats.status !== 'connecting' &&
      c.docker.status !== 'connecting' &&
      probed &&
      (s.haltFile.at !== null || s.haltFile.errorAt !== undefined)
    );
  };
  while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
