import type { ActionReport, ChannelOutcome } from '../state/types.js';
import { type ReportBuilder, shortId } from './report.js';
import { haltChannel, publishChannel, reasonWithId } from './run-nats.js';
import type { ActionDeps, ActionParams } from './types.js';

/**
 * The fastest path: the halt file and the NATS halt at the same time, each reported separately.
 * Neither waits for the other, and a failure of one never blocks the other.
 */
export async function runStopAll(deps: ActionDeps, b: ReportBuilder, params: ActionParams): Promise<ActionReport> {
  const { contract } = deps;
  const exec = contract.containers.execution;
  const id = shortId();
  const reason = reasonWithId(params, 'OPERATOR EMERGENCY', deps.operator, id);

  const fileChannel = async (): Promise<ChannelOutcome> => {
    const channel = 'halt file';
    b.channel({ channel, outcome: 'RUNNING', detail: `writing ${contract.haltFile.path} in ${exec}` });
    const content = `EMERGENCY ${new Date().toISOString()} ${reason}\n`;
    const w = await deps.engine.writeFile(exec, contract.haltFile.path, content, { mode: 0o644, uid: 1001, gid: 1001 });
    if (!w.ok)
      return b.channel({ channel, outcome: 'FAILED', detail: `could not write the halt file: ${w.detail}`, latencyMs: w.latencyMs });
    // A stat (HEAD, ~1 ms) proves presence; reading the content back would cost another archive GET.
    const st = await deps.engine.statPath(exec, contract.haltFile.path);
    void deps.haltWatch.refresh();
    if (!st.ok || !st.value.present)
      return b.channel({
        channel,
        outcome: 'NOT_CONFIRMED',
        detail: `written, but the file is not reported present${st.ok ? '' : `: ${st.detail}`}`,
      });
    const note = contract.haltFile.readAtStartOnly ? ' — the engine reads it only at start: restart execution so it boots halted' : '';
    return b.channel({
      channel,
      outcome: 'VERIFIED',
      detail: `halt file present in ${exec} (${st.value.size ?? '?'} bytes)${note}`,
      latencyMs: b.since(),
    });
  };

  // Each channel on its own: one that throws (a broken contract entry) is reported FAILED for that
  // channel only, and the others still run (the halt file needs no NATS entry at all).
  const guarded = <T>(channel: string, run: () => Promise<T>): Promise<T | ChannelOutcome> =>
    Promise.resolve()
      .then(run)
      .catch((e: unknown) =>
        b.channel({ channel, outcome: 'FAILED', detail: `not run: ${(e as Error)?.message ?? String(e)} (check this contract entry)` }),
      );
  const legacy = guarded('nats (legacy system.halt)', async () =>
    contract.nats.halt.legacyHard
      ? publishChannel(deps, b, 'nats (legacy system.halt)', contract.nats.halt.legacyHard, { reason, id })
      : null,
  );
  const [file, nats] = (await Promise.all([
    guarded('halt file', fileChannel),
    guarded('nats', () => haltChannel(deps, b, contract.nats.halt.hard, reason, id, 'nats')),
    legacy,
  ])) as [ChannelOutcome, ChannelOutcome, unknown];

  if (nats.outcome === 'VERIFIED')
    return b.finish('VERIFIED', `execution HALTED (evidence after ${nats.latencyMs} ms); halt file: ${file.outcome}`);
  // The in-memory halt is not confirmed. The file alone stops nothing until the engine restarts.
  const next =
    file.outcome === 'VERIFIED' && contract.haltFile?.readAtStartOnly
      ? `restart ${exec} so it boots halted (R on ${exec}, type ${exec}); if that fails: KILL SWITCH`
      : 'KILL SWITCH: stop execution, then brain';
  return b.finish(
    nats.outcome === 'FAILED' && file.outcome !== 'VERIFIED' ? 'FAILED' : 'NOT_CONFIRMED',
    `engine halt NOT confirmed (NATS: ${nats.outcome}, halt file: ${file.outcome})`,
    next,
  );
}
