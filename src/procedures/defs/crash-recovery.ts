/** Runbook §1 "System Crash Recovery": logs, restart, verify health. */
import { LineSplitter } from '../../services/logs/sanitize.js';
import { containerOf, waitHealthy } from '../../domain/containers.js';
import { verifyTimeoutMs } from '../steps/compose.js';
import type { Procedure, ProcedureArgs, ProcedureDeps, StepOutcome } from '../types.js';

const TAIL = 200;

export function crashRecovery(args: ProcedureArgs, deps: ProcedureDeps): Procedure | { error: string } {
  if (!args.service) return { error: 'crash-recovery needs the service: execution, brain or a container name' };
  const name = containerOf(deps.contract, args.service);
  const isExecution = name === deps.contract.containers.execution;
  return {
    id: 'crash-recovery',
    title: `Crash recovery: ${name}`,
    summary: 'show the last 200 log lines, restart the container, wait until its health passes',
    steps: [
      {
        id: 'logs',
        label: `show the last ${TAIL} log lines of ${name}`,
        kind: 'check',
        destructive: false,
        timeoutSec: 30,
        plan: () => [`docker logs --tail ${TAIL} ${name}    (Docker engine API)`],
        run: (_ctx, io) =>
          new Promise<StepOutcome>((resolve) => {
            let count = 0;
            const split = { stdout: new LineSplitter(), stderr: new LineSplitter() };
            const stop = deps.engine.logs(
              name,
              { follow: false, tail: TAIL },
              (stream, chunk) => {
                for (const l of split[stream === 'stderr' ? 'stderr' : 'stdout'].push(chunk)) {
                  count++;
                  io.line(l);
                }
              },
              (error) => {
                io.signal.removeEventListener('abort', onAbort);
                for (const s of [split.stdout, split.stderr]) for (const l of s.flush()) io.line(l);
                if (error) resolve({ ok: false, summary: `cannot read the logs of ${name}: ${error}` });
                else resolve({ ok: true, summary: `${count} lines shown` });
              },
            );
            const onAbort = () => {
              stop();
              resolve({ ok: false, cancelled: true, summary: 'cancelled by the operator' });
            };
            io.signal.addEventListener('abort', onAbort, { once: true });
          }),
      },
      {
        id: 'restart',
        label: `restart ${name}`,
        kind: 'action',
        destructive: true,
        confirm: () => ({
          title: `RESTART ${name}`,
          word: name,
          lines: [
            `docker restart ${name} (10 s to stop gracefully), then wait until its health passes`,
            ...(isExecution ? ['a restart keeps /app/system.halt and /app/execution.armed (a recreate would not)'] : []),
          ],
        }),
        plan: () => [`docker restart ${name}    (Docker engine API, 10 s grace)`],
        run: async (_ctx, io) => {
          io.line(`docker restart ${name}`);
          const r = await deps.engine.restart(name, 10);
          return r.ok ? { ok: true, summary: `${name} restarted` } : { ok: false, summary: `restart failed: ${r.detail}` };
        },
      },
      {
        id: 'health',
        label: `wait until ${name} is healthy`,
        kind: 'check',
        destructive: false,
        plan: (ctx) => [`wait up to ${verifyTimeoutMs(ctx) / 1000} s: running, and its Docker healthcheck (or its /health) passing`],
        run: async (ctx, io) => {
          const h = await waitHealthy(deps, name, verifyTimeoutMs(ctx), io.signal, io.line);
          return h.ok ? { ok: true, summary: h.detail } : { ok: false, summary: h.detail, cancelled: h.cancelled };
        },
        onFailure: `Look at its logs (titan-tui cockpit, or docker logs ${name}).`,
      },
    ],
  };
}
