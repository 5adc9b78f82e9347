/**
 * Just enough tar for the Docker archive endpoints: pack files into a ustar
 * stream, and read ustar/pax/GNU-longname entries back. Regular files and
 * directories only; links and devices are skipped.
 */

const BLOCK = 512;

export interface TarEntry {
  /** Path inside the archive, without a leading './' or '/'. */
  name: string;
  kind: 'file' | 'dir';
  data: Buffer;
  mode: number;
  mtime: Date;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(entry: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  let name = entry.kind === 'dir' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    // ustar splits long paths at a slash: prefix (155) + name (100).
    const cut = name.lastIndexOf('/', name.length - 2);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  h.write(name, 0, 100, 'utf8');
  h.write(octal(entry.mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(entry.kind === 'file' ? entry.data.length : 0, 12), 124, 'ascii');
  h.write(octal(Math.floor(entry.mtime.getTime() / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(entry.kind === 'dir' ? '5' : '0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export function packTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    if (e.kind === 'file' && e.data.length > 0) {
      parts.push(e.data);
      const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad, 0));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}

function cString(buf: Buffer, start: number, len: number): string {
  const slice = buf.subarray(start, start + len);
  const nul = slice.indexOf(0);
  return slice.toString('utf8', 0, nul === -1 ? len : nul);
}

function parseOctal(buf: Buffer, start: number, len: number): number {
  const text = cString(buf, start, len).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space === -1) break;
    const len = Number.parseInt(data.toString('ascii', i, space), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.toString('utf8', space + 1, i + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return out;
}

/** Reads the entries of an uncompressed tar. Throws Error with a readable message on a corrupt archive. */
export function unpackTar(tar: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  let pax = new Map<string, string>();
  while (offset + BLOCK <= tar.length) {
    const h = tar.subarray(offset, offset + BLOCK);
    if (h.every((b) => b === 0)) break;
    let checksum = 0;
    for (let i = 0; i < BLOCK; i++) checksum += i >= 148 && i < 156 ? 0x20 : (h[i] as number);
    if (checksum !== parseOctal(h, 148, 8)) throw new Error('tar archive is corrupt (bad header checksum)');
    const type = String.fromCharCode(h[156] as number);
    const size = Number(pax.get('size') ?? parseOctal(h, 124, 12));
    const dataStart = offset + BLOCK;
    const data = tar.subarray(dataStart, dataStart + size);
    if (data.length < size) throw new Error('tar archive is truncated');
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      pax = parsePax(data);
      continue;
    }
    if (type === 'g') continue;
    const prefix = cString(h, 345, 155);
    const rawName = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${cString(h, 0, 100)}` : cString(h, 0, 100));
    longName = undefined;
    pax = new Map();
    const name = rawName.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
    const mode = parseOctal(h, 100, 8) || 0o644;
    const mtime = new Date(parseOctal(h, 136, 12) * 1000);
    if (type === '0' || type === '\0' || type === '7') entries.push({ name, kind: 'file', data: Buffer.from(data), mode, mtime });
    else if (type === '5' && name !== '' && name !== '.') entries.push({ name, kind: 'dir', data: Buffer.alloc(0), mode, mtime });
  }
  return entries;
}
