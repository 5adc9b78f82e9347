/**
 * Reads an operator-named file exactly as named, safely: it must exist and be a regular file,
 * checked before it is opened for reading (a FIFO would block the CLI forever, a directory or a
 * device is not a configuration), and again on the open descriptor (the path may be swapped in
 * between). Never echoes content: files read here may hold secrets.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats, statSync } from 'node:fs';

export type FileRead = { ok: true; text: string } | { ok: false; missing: boolean; problem: string };

function kind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function code(e: unknown): string {
  const c = (e as NodeJS.ErrnoException)?.code;
  if (c === 'EACCES' || c === 'EPERM') return `permission denied (${c})`;
  return typeof c === 'string' ? c : String((e as Error)?.message ?? e);
}

export function readRegularFile(path: string, maxBytes: number): FileRead {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException)?.code === 'ENOENT';
    return { ok: false, missing, problem: missing ? 'does not exist' : `cannot be read: ${code(e)}` };
  }
  if (!st.isFile()) return { ok: false, missing: false, problem: `is ${kind(st)}, not a regular file` };
  if (st.size > maxBytes) return { ok: false, missing: false, problem: `is too large (${st.size} bytes, at most ${maxBytes})` };
  let fd: number;
  try {
    // O_NONBLOCK: if the path became a FIFO since the stat, the open returns at once instead of waiting for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    return { ok: false, missing: false, problem: `cannot be opened: ${code(e)}` };
  }
  try {
    const again = fstatSync(fd);
    if (!again.isFile()) return { ok: false, missing: false, problem: `is ${kind(again)}, not a regular file` };
    if (again.size > maxBytes) return { ok: false, missing: false, problem: `is too large (${again.size} bytes, at most ${maxBytes})` };
    return { ok: true, text: readFileSync(fd, 'utf8') };
  } catch (e) {
    return { ok: false, missing: false, problem: `cannot be read: ${code(e)}` };
  } finally {
    closeSync(fd);
  }
}
