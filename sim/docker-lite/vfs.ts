/**
 * The virtual filesystem of one demo container: the few files operators touch
 * (e.g. /app/system.halt). The simulated process uses it through a node:fs-shaped
 * adapter and the cockpit reaches it through the Docker archive/exec endpoints,
 * so both see the same bytes, as with a real container layer.
 */
import { posix } from 'node:path';

export interface VfsStat {
  kind: 'file' | 'dir';
  size: number;
  /** Permission bits only (e.g. 0o644). */
  mode: number;
  mtime: Date;
}

interface FileEntry {
  data: Buffer;
  mode: number;
  mtime: Date;
}

/** The minimal node:fs subset a simulated process needs for lock files. */
export interface SyncFs {
  existsSync(path: string): boolean;
  readFileSync(path: string, encoding: 'utf8'): string;
  writeFileSync(path: string, data: string | Buffer): void;
  unlinkSync(path: string): void;
}

const BASE_DIRS = ['/', '/app', '/bin', '/etc', '/home', '/root', '/tmp', '/usr', '/var', '/var/log'];

function fsError(code: 'ENOENT' | 'EISDIR' | 'ENOTDIR', syscall: string, path: string): NodeJS.ErrnoException {
  const text = { ENOENT: 'no such file or directory', EISDIR: 'illegal operation on a directory', ENOTDIR: 'not a directory' }[code];
  const err: NodeJS.ErrnoException = new Error(`${code}: ${text}, ${syscall} '${path}'`);
  err.code = code;
  err.syscall = syscall;
  err.path = path;
  return err;
}

export class VirtualFs {
  private readonly files = new Map<string, FileEntry>();
  private readonly dirs = new Map<string, Date>();

  constructor(extraDirs: string[] = []) {
    const now = new Date();
    for (const d of [...BASE_DIRS, ...extraDirs]) this.mkdirp(d, now);
  }

  /** Absolute, normalised path; relative paths resolve against `cwd`. */
  resolve(path: string, cwd = '/'): string {
    return posix.resolve(cwd, path);
  }

  stat(path: string): VfsStat | undefined {
    const p = this.resolve(path);
    const f = this.files.get(p);
    if (f) return { kind: 'file', size: f.data.length, mode: f.mode, mtime: f.mtime };
    const d = this.dirs.get(p);
    if (d) return { kind: 'dir', size: 4096, mode: 0o755, mtime: d };
    return undefined;
  }

  exists(path: string): boolean {
    return this.stat(path) !== undefined;
  }

  readFile(path: string): Buffer | undefined {
    return this.files.get(this.resolve(path))?.data;
  }

  /** Writes a file; throws ENOENT/EISDIR like node:fs when the parent is missing or the path is a directory. */
  writeFile(path: string, data: string | Buffer, mode = 0o644): void {
    const p = this.resolve(path);
    if (this.dirs.has(p)) throw fsError('EISDIR', 'open', p);
    if (!this.dirs.has(posix.dirname(p))) throw fsError('ENOENT', 'open', p);
    this.files.set(p, { data: Buffer.from(data), mode, mtime: new Date() });
    this.touchDir(posix.dirname(p));
  }

  /** Removes a file; returns false when there was none. */
  unlink(path: string): boolean {
    const p = this.resolve(path);
    const had = this.files.delete(p);
    if (had) this.touchDir(posix.dirname(p));
    return had;
  }

  mkdirp(path: string, at = new Date()): void {
    let p = this.resolve(path);
    for (;;) {
      if (!this.dirs.has(p)) this.dirs.set(p, at);
      if (p === '/') return;
      p = posix.dirname(p);
    }
  }

  /** Files under a directory (recursively), sorted, as absolute paths. */
  filesUnder(dir: string): string[] {
    const d = this.resolve(dir);
    const prefix = d === '/' ? '/' : `${d}/`;
    return [...this.files.keys()].filter((f) => f.startsWith(prefix)).sort();
  }

  /** Direct children names of a directory. */
  list(dir: string): string[] {
    const d = this.resolve(dir);
    const prefix = d === '/' ? '/' : `${d}/`;
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs.keys()]) {
      if (p !== d && p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0] as string);
    }
    return [...names].sort();
  }

  /** A node:fs-shaped view whose relative paths resolve against `cwd` (the container's WORKDIR). */
  syncFs(cwd = '/app'): SyncFs {
    return {
      existsSync: (path) => this.exists(this.resolve(path, cwd)),
      readFileSync: (path) => {
        const p = this.resolve(path, cwd);
        const data = this.readFile(p);
        if (!data) throw fsError(this.dirs.has(p) ? 'EISDIR' : 'ENOENT', 'open', p);
        return data.toString('utf8');
      },
      writeFileSync: (path, data) => this.writeFile(this.resolve(path, cwd), data),
      unlinkSync: (path) => {
        const p = this.resolve(path, cwd);
        if (!this.unlink(p)) throw fsError('ENOENT', 'unlink', p);
      },
    };
  }

  private touchDir(dir: string): void {
    if (this.dirs.has(dir)) this.dirs.set(dir, new Date());
  }
}
