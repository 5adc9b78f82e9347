/**
 * A tiny ustar reader/writer, enough for Docker's archive API: the engine sends and
 * expects tar streams to copy files in and out of containers without a shell.
 * Long names use PAX extended headers (what Go's archive/tar, i.e. Docker, produces).
 */

const BLOCK = 512;

export type TarEntryType = 'file' | 'dir' | 'symlink';

export interface TarEntryInput {
  /** Path inside the archive, no leading '/'. Directories may end with '/'. */
  name: string;
  type?: TarEntryType;
  content?: Buffer | string;
  mode?: number;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch. */
  mtime?: number;
  /** Target of a symlink. */
  linkname?: string;
}

export interface TarHeader {
  name: string;
  type: TarEntryType | 'other';
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkname: string;
}

const TYPE_FLAG: Record<TarEntryType, string> = { file: '0', dir: '5', symlink: '2' };

function writeString(block: Buffer, value: string, offset: number, length: number): void {
  block.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8');
}

function writeOctal(block: Buffer, value: number, offset: number, length: number): void {
  // length-1 octal digits followed by NUL, as ustar requires.
  const text = Math.max(0, Math.floor(value))
    .toString(8)
    .padStart(length - 1, '0');
  block.write(`${text}\0`, offset, length, 'ascii');
}

function headerBlock(name: string, typeflag: string, size: number, e: TarEntryInput, linkname = ''): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, name, 0, 100);
  writeOctal(block, e.mode ?? (typeflag === '5' ? 0o755 : 0o644), 100, 8);
  writeOctal(block, e.uid ?? 0, 108, 8);
  writeOctal(block, e.gid ?? 0, 116, 8);
  writeOctal(block, size, 124, 12);
  writeOctal(block, e.mtime ?? Math.floor(Date.now() / 1000), 136, 12);
  block.write('        ', 148, 8, 'ascii'); // checksum is computed with this field as spaces
  block.write(typeflag, 156, 1, 'ascii');
  writeString(block, linkname, 157, 100);
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

function padded(data: Buffer): Buffer[] {
  const rest = data.length % BLOCK;
  return rest === 0 ? [data] : [data, Buffer.alloc(BLOCK - rest)];
}

function paxRecord(key: string, value: string): string {
  // Each record is "<len> <key>=<value>\n" where <len> counts its own digits.
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/** Builds a complete tar archive (with the two closing zero blocks). */
export function writeTar(entries: TarEntryInput[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? 'file';
    const content =
      type === 'file' ? (typeof e.content === 'string' ? Buffer.from(e.content, 'utf8') : (e.content ?? Buffer.alloc(0))) : Buffer.alloc(0);
    let name = e.name.replace(/^\/+/, '');
    if (type === 'dir' && !name.endsWith('/')) name += '/';
    const linkname = e.linkname ?? '';
    const pax: string[] = [];
    if (Buffer.byteLength(name) > 100) pax.push(paxRecord('path', name));
    if (Buffer.byteLength(linkname) > 100) pax.push(paxRecord('linkpath', linkname));
    if (pax.length > 0) {
      const body = Buffer.from(pax.join(''), 'utf8');
      parts.push(headerBlock('PaxHeader', 'x', body.length, { name: 'PaxHeader', mode: 0o644, mtime: e.mtime }), ...padded(body));
    }
    parts.push(headerBlock(name.slice(0, 100), TYPE_FLAG[type], content.length, e, linkname.slice(0, 100)));
    if (content.length > 0) parts.push(...padded(content));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function readString(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
}

function readNumber(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    // GNU base-256 encoding for values that do not fit in octal.
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = readString(block, offset, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum === readNumber(block, 148, 8);
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space === -1) break;
    const len = Number.parseInt(body.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = body.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

export type FirstEntry =
  | { kind: 'entry'; header: TarHeader; content: Buffer }
  /** The header is known but the archive was cut before the end of the content. */
  | { kind: 'truncated'; header: TarHeader }
  | { kind: 'empty' }
  | { kind: 'invalid'; error: string };

/** Reads the first real entry (after PAX/GNU long-name headers) of a tar archive held in memory. */
export function readFirstEntry(archive: Buffer): FirstEntry {
  let pos = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    if (pos + BLOCK > archive.length) return pos === 0 ? { kind: 'empty' } : { kind: 'invalid', error: 'archive ends inside a header' };
    const block = archive.subarray(pos, pos + BLOCK);
    if (block.every((b) => b === 0)) return { kind: 'empty' };
    if (!checksumOk(block)) return { kind: 'invalid', error: `bad tar header checksum at offset ${pos}` };
    const typeflag = String.fromCharCode(block[156] ?? 0);
    const size = readNumber(block, 124, 12);
    const dataStart = pos + BLOCK;
    const dataEnd = dataStart + size;
    if (typeflag === 'x' || typeflag === 'L' || typeflag === 'K') {
      if (dataEnd > archive.length) return { kind: 'invalid', error: 'archive ends inside an extended header' };
      const body = archive.subarray(dataStart, dataEnd);
      if (typeflag === 'x') {
        const pax = parsePax(body);
        longName = pax.path ?? longName;
        longLink = pax.linkpath ?? longLink;
      } else if (typeflag === 'L') longName = readString(body, 0, body.length);
      else longLink = readString(body, 0, body.length);
      pos = dataStart + Math.ceil(size / BLOCK) * BLOCK;
      continue;
    }
    if (typeflag === 'g') {
      pos = dataStart + Math.ceil(size / BLOCK) * BLOCK;
      continue;
    }
    const prefix = readString(block, 345, 155);
    const plainName = readString(block, 0, 100);
    const type: TarHeader['type'] =
      typeflag === '0' || typeflag === '\0' || typeflag === '7'
        ? 'file'
        : typeflag === '5'
          ? 'dir'
          : typeflag === '2'
            ? 'symlink'
            : 'other';
    const header: TarHeader = {
      name: longName ?? (prefix ? `${prefix}/${plainName}` : plainName),
      type,
      size: type === 'file' ? size : 0,
      mode: readNumber(block, 100, 8),
      uid: readNumber(block, 108, 8),
      gid: readNumber(block, 116, 8),
      mtime: readNumber(block, 136, 12),
      linkname: longLink ?? readString(block, 157, 100),
    };
    if (type !== 'file') return { kind: 'entry', header, content: Buffer.alloc(0) };
    if (dataEnd > archive.length) return { kind: 'truncated', header };
    return { kind: 'entry', header, content: Buffer.from(archive.subarray(dataStart, dataEnd)) };
  }
}
