import type { Runtime } from '../runtime.js';
import type { Writer } from './output.js';

/**
 * Before a command exits: one more try at records the disk refused, then the red audit alarm on
 * stderr, and every record still not on disk printed there (a CLI's memory ends with it).
 */
export async function auditEpilogue(rt: Runtime, w: Writer): Promise<void> {
  rt.audit.flush();
  // The records are in the file; a power cut could still take them until the disk confirms.
  await rt.audit.synced(3000);
  const alarm = rt.store.getState().audit.alarm;
  if (alarm) w.problem(`AUDIT ALARM: ${alarm.error}`);
  const left = rt.audit.unwritten;
  if (left.length === 0) return;
  w.problem(`${left.length} audit record(s) are NOT in ${rt.audit.path}; here they are, to keep:`);
  for (const line of left) w.rawErr(line);
}
