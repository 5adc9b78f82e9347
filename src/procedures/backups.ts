import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { visibleControls } from '../text/safe-text.js';
import { compareNames } from '../text/plain-format.js';

export interface BackupFile {
  /** The file name as it is on disk (what the restore command is given). */
  name: string;
  /** The name for display: one line, control characters shown escaped (a name can hold ESC or a newline). */
  display: string;
  size: number;
  mtimeMs: number;
}

/** `*.sql.gz` files of the backup directory, newest first (what restore-db.sh lists and accepts). */
export function listBackups(dir: string): { ok: true; files: BackupFile[] } | { ok: false; error: string } {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      error: code === 'ENOENT' ? `backup directory ${dir} does not exist` : `cannot read ${dir}: ${(e as Error).message}`,
    };
  }
  const files: BackupFile[] = [];
  for (const name of names) {
    if (!name.endsWith('.sql.gz')) continue;
    try {
      const st = statSync(join(dir, name));
      if (st.isFile()) files.push({ name, display: visibleControls(name), size: st.size, mtimeMs: st.mtimeMs });
    } catch {
      // Removed meanwhile (the backup script prunes old files).
    }
  }
  files.sort((a, b) => b.mtimeMs - a.mtimeMs || compareNames(a.name, b.name));
  return { ok: true, files };
}

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function humanAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

export function describeBackup(f: BackupFile, now = Date.now()): string {
  return `${f.display}  ${humanSize(f.size).padStart(8)}  ${humanAge(now - f.mtimeMs)} old`;
}

/** True when a name holds a control character: it cannot be typed to restore-db.sh (its `read` stops at a newline). */
export const hasControls = (name: string): boolean => /[\u0000-\u001f\u007f-\u009f]/.test(name);
