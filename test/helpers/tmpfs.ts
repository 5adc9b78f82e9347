/** A small real tmpfs (the tests run as root) that can be filled to the last byte: a full disk on demand. */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Writes a filler file until the file system refuses a byte (ENOSPC). */
  fill(): void;
  /** Removes the filler: space again. */
  free(): void;
  unmount(): void;
}

export function mountTmpfs(sizeKb = 64): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'titan-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
  const filler = join(dir, 'filler');
  return {
    dir,
    fill: () => {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(4096, 0x2e);
      try {
        for (;;) {
          let n = 0;
          try {
            n = writeSync(fd, chunk);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === 'ENOSPC') return;
            throw e;
          }
          if (n < chunk.length) {
            // Less than a chunk left: now byte by byte, to the last one.
            for (;;) writeSync(fd, chunk, 0, 1);
          }
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      } finally {
        closeSync(fd);
      }
    },
    free: () => unlinkSync(filler),
    unmount: () => {
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
