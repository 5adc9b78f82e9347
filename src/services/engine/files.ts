/**
 * Files inside a container through the archive API (what `docker cp` uses): works on stopped
 * containers and on images without a shell, unlike `docker exec`.
 */
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { type Caller, containerPath, DEFAULT_TIMEOUT_MS } from './call.js';
import { EngineError, engineMessage, type EngineResult } from './errors.js';
import { readFirstEntry, writeTar } from './tar.js';

export interface PathStat {
  present: boolean;
  size?: number;
  mtime?: string;
  /** Permission bits (e.g. 0o644). */
  mode?: number;
}

export const DEFAULT_MAX_READ = 1024 * 1024;

const isContainerMissing = (e: unknown): boolean => /no such container/i.test(engineMessage(e));
const status = (e: unknown): number | undefined => (e as { statusCode?: number })?.statusCode;

function requireAbsolute(path: string): void {
  if (!path.startsWith('/')) throw new EngineError('error', `path "${path}" must be absolute inside the container`);
}

/** Docker's X-Docker-Container-Path-Stat header: base64 JSON {name,size,mode,mtime,linkTarget}. */
function parseStatHeader(raw: string | string[] | undefined): PathStat {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return { present: true };
  try {
    const s = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as { size?: unknown; mode?: unknown; mtime?: unknown };
    const mtime = typeof s.mtime === 'string' && !Number.isNaN(Date.parse(s.mtime)) ? new Date(s.mtime).toISOString() : undefined;
    return {
      present: true,
      size: typeof s.size === 'number' ? s.size : undefined,
      mtime,
      // Go's FileMode keeps type bits high; only the permission bits mean something here.
      mode: typeof s.mode === 'number' ? s.mode & 0o777 : undefined,
    };
  } catch {
    return { present: true };
  }
}

/** A 404 on an archive path is ambiguous (missing path or missing container): ask the container itself. */
async function ensureContainer(caller: Caller, name: string, signal: AbortSignal): Promise<void> {
  await caller.dial({ method: 'GET', path: containerPath(name, '/json'), ok: [200] }, signal).catch((e: unknown) => {
    if (status(e) === 404) throw new EngineError('not-found', `container ${name} not found`);
    throw e;
  });
}

export function statPath(caller: Caller, name: string, path: string): Promise<EngineResult<PathStat>> {
  return caller.run(`stat ${path} in ${name}`, name, DEFAULT_TIMEOUT_MS, async (signal) => {
    requireAbsolute(path);
    try {
      const res = await caller.dial<Readable & { headers: Record<string, string | string[] | undefined> }>(
        { method: 'HEAD', path: containerPath(name, '/archive'), query: { path }, stream: true, ok: [200] },
        signal,
      );
      res.resume();
      return parseStatHeader(res.headers['x-docker-container-path-stat']);
    } catch (e) {
      if (status(e) !== 404) throw e;
      await ensureContainer(caller, name, signal);
      return { present: false };
    }
  });
}

function readAll(stream: Readable, limit: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    };
    signal.addEventListener('abort', () => stream.destroy(), { once: true });
    stream.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      // Enough to see the header and `limit` bytes of content: stop reading a huge file.
      if (size > limit) {
        stream.destroy();
        finish();
      }
    });
    stream.on('end', finish);
    stream.on('error', (e) => {
      if (!done) {
        done = true;
        reject(e);
      }
    });
  });
}

export function readFile(caller: Caller, name: string, path: string, maxBytes = DEFAULT_MAX_READ): Promise<EngineResult<string | null>> {
  return caller.run(`read ${path} in ${name}`, name, DEFAULT_TIMEOUT_MS, async (signal) => {
    requireAbsolute(path);
    let res: Readable;
    try {
      res = await caller.dial<Readable>(
        { method: 'GET', path: containerPath(name, '/archive'), query: { path }, stream: true, ok: [200] },
        signal,
      );
    } catch (e) {
      if (status(e) !== 404) throw e;
      if (isContainerMissing(e)) throw new EngineError('not-found', `container ${name} not found`);
      await ensureContainer(caller, name, signal);
      return null;
    }
    // Headers (incl. PAX records) take a few blocks; 64 KiB of slack is plenty.
    const archive = await readAll(res, maxBytes + 64 * 1024, signal);
    const entry = readFirstEntry(archive);
    switch (entry.kind) {
      case 'empty':
        return null;
      case 'invalid':
        throw new EngineError('error', `read ${path} in ${name}: the engine sent an unreadable archive (${entry.error})`);
      case 'truncated':
        if (entry.header.size > maxBytes)
          throw new EngineError('error', `${path} in ${name} is ${entry.header.size} bytes, more than the ${maxBytes} this reads`);
        throw new EngineError('error', `read ${path} in ${name}: the archive stream ended early`);
      case 'entry':
        if (entry.header.type === 'dir') throw new EngineError('error', `${path} in ${name} is a directory, not a file`);
        if (entry.header.type === 'symlink') throw new EngineError('error', `${path} in ${name} is a symlink to ${entry.header.linkname}`);
        if (entry.header.type !== 'file') throw new EngineError('error', `${path} in ${name} is not a regular file`);
        if (entry.content.length > maxBytes)
          throw new EngineError('error', `${path} in ${name} is ${entry.content.length} bytes, more than the ${maxBytes} this reads`);
        return entry.content.toString('utf8');
    }
  });
}

export interface WriteOptions {
  mode?: number;
  uid?: number;
  gid?: number;
}

export function writeFile(caller: Caller, name: string, path: string, content: string, opts: WriteOptions = {}): Promise<EngineResult> {
  return caller.run(`write ${path} in ${name}`, name, DEFAULT_TIMEOUT_MS, async (signal) => {
    requireAbsolute(path);
    const dir = posix.dirname(path);
    const base = posix.basename(path);
    if (!base || base === '.' || base === '..' || path.endsWith('/')) throw new EngineError('error', `"${path}" is not a file path`);
    const tar = writeTar([{ name: base, content, mode: opts.mode ?? 0o644, uid: opts.uid ?? 0, gid: opts.gid ?? 0 }]);
    try {
      await caller.dial(
        { method: 'PUT', path: containerPath(name, '/archive'), query: { path: dir, noOverwriteDirNonDir: true }, file: tar, ok: [200] },
        signal,
      );
    } catch (e) {
      if (status(e) === 404 && !isContainerMissing(e))
        throw new EngineError('error', `cannot write ${path} in ${name}: directory ${dir} does not exist there`);
      if (status(e) === 403) throw new EngineError('error', `cannot write ${path} in ${name}: ${engineMessage(e)} (read-only filesystem?)`);
      throw e;
    }
  });
}
