/**
 * A container's log stream read straight off the connection: the log worker's HTTP client.
 *
 * Docker writes each log line as its own HTTP chunk. Node's HTTP client turns each chunk into a
 * stream event: at 20,000 lines/s that was 20,000 events a second per stream, and the worker fell
 * seconds behind a plain `docker logs -f` (bench/cockpit.bench.test.ts) while a bare follower kept
 * up. Here each read of the socket (up to 64 KiB, many lines) is decoded in one loop: the chunk
 * framing is stripped with native searches and copies, and the intake gets one buffer per read.
 *
 * Same transports as the engine's modem (engine/modem.ts): its unix socket, TCP, TLS with its
 * files, or its http.Agent (ssh://, src/services/engine/ssh.ts).
 */
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';

export interface RawTarget {
  socketPath?: string;
  host?: string;
  port?: string | number;
  protocol?: string;
  ca?: unknown;
  cert?: unknown;
  key?: unknown;
  version?: string;
  agent?: { createConnection: (options: object, callback: (err: Error | null, socket?: Duplex) => void) => unknown };
}

/** The connection settings of a docker-modem instance (the fields it reads itself). */
export function rawTarget(modem: unknown): RawTarget {
  const m = (modem ?? {}) as Record<string, unknown>;
  return {
    socketPath: typeof m.socketPath === 'string' ? m.socketPath : undefined,
    host: typeof m.host === 'string' ? m.host : undefined,
    port: m.port as string | number | undefined,
    protocol: typeof m.protocol === 'string' ? m.protocol : 'http',
    ca: m.ca,
    cert: m.cert,
    key: m.key,
    version: typeof m.version === 'string' ? m.version : undefined,
    agent: m.agent as RawTarget['agent'],
  };
}

/** Bytes read into one buffer for the whole stream (unix socket and TCP): no allocation per read. */
const READ_BUFFER = 64 * 1024;

/**
 * Connects; `onRead` gets every read. Plain sockets read into one buffer of their own, reused
 * (`onread`): a flood's thousands of reads a second allocated thousands of 64 KiB buffers, and
 * the freed ones stayed in the C heap (RSS). TLS and the ssh transport deliver their own buffers.
 * `onRead` must be done with the bytes when it returns.
 */
async function connect(t: RawTarget, onRead: (buf: Buffer) => void): Promise<Duplex> {
  const ready = (s: Duplex, event: string) =>
    new Promise<Duplex>((resolve, reject) => {
      s.once(event, () => resolve(s));
      s.once('error', reject);
    });
  const onread = {
    buffer: Buffer.allocUnsafe(READ_BUFFER),
    callback: (n: number, buf: Uint8Array) => {
      onRead((buf as Buffer).subarray(0, n));
      return true;
    },
  };
  if (t.agent && typeof t.agent.createConnection === 'function') {
    const agent = t.agent;
    const s = await new Promise<Duplex>((resolve, reject) => {
      agent.createConnection({}, (err, socket) => (err || !socket ? reject(err ?? new Error('no connection')) : resolve(socket)));
    });
    s.on('data', onRead);
    return s;
  }
  if (t.socketPath) return ready(netConnect({ path: t.socketPath, onread }), 'connect');
  const port = Number(t.port ?? (t.protocol === 'https' ? 2376 : 2375));
  if (t.protocol === 'https') {
    const opts: Record<string, unknown> = { host: t.host, port, ca: t.ca, cert: t.cert, key: t.key };
    if (t.host && isIP(t.host) === 0) opts.servername = t.host;
    const s = await ready(tlsConnect(opts as ConnectionOptions), 'secureConnect');
    s.on('data', onRead);
    return s;
  }
  return ready(netConnect({ port, host: t.host ?? 'localhost', onread }), 'connect');
}

const LF = 0x0a;
const MAX_HEAD = 64 * 1024;

/** Strips HTTP/1.1 chunked framing from a byte stream, a whole read at a time. */
export class ChunkedDecoder {
  private state: 'size' | 'data' | 'crlf' | 'done' = 'size';
  private sizeLine = '';
  private remaining = 0;
  private crlf = 0;

  get done(): boolean {
    return this.state === 'done';
  }

  /** Reused for every read: one allocation per stream, not one per read (a flood reads thousands). */
  private scratch: Buffer = Buffer.alloc(0);

  /**
   * The payload bytes of `buf` (empty when it held only framing). The result is only valid until
   * the next push: it is the decoder's own buffer, which the caller must have consumed by then.
   */
  push(buf: Buffer): Buffer {
    if (this.scratch.length < buf.length) this.scratch = Buffer.allocUnsafe(Math.max(buf.length, 64 * 1024));
    const out = this.scratch;
    let n = 0;
    let i = 0;
    const len = buf.length;
    while (i < len && this.state !== 'done') {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, len - i);
        buf.copy(out, n, i, i + take);
        n += take;
        i += take;
        this.remaining -= take;
        if (this.remaining === 0) {
          this.state = 'crlf';
          this.crlf = 2;
        }
      } else if (this.state === 'crlf') {
        while (this.crlf > 0 && i < len) {
          i++;
          this.crlf--;
        }
        if (this.crlf === 0) this.state = 'size';
      } else {
        const nl = buf.indexOf(LF, i);
        const end = nl === -1 ? len : nl;
        if (this.sizeLine.length < 64) this.sizeLine += buf.toString('latin1', i, Math.min(end, i + 64));
        if (nl === -1) break;
        i = nl + 1;
        const hex = this.sizeLine.replace(/[;\r].*$/s, '').trim();
        this.sizeLine = '';
        const size = Number.parseInt(hex, 16);
        if (!Number.isFinite(size) || size < 0) throw new Error(`bad chunk size "${hex.slice(0, 20)}" in the log stream`);
        if (size === 0) this.state = 'done';
        else {
          this.state = 'data';
          this.remaining = size;
        }
      }
    }
    return out.subarray(0, n);
  }
}

export interface RawFollow {
  stop: () => void;
}

/**
 * GET `path` on the engine and stream the response body's bytes (de-chunked) to onData, which must
 * be done with them when it returns (the buffer is reused); onEnd once
 * when it ends by itself (error text when it failed), never after stop(). Headers within timeoutMs.
 */
export function followRaw(
  target: RawTarget,
  path: string,
  onData: (body: Buffer) => void,
  onEnd: (error?: string) => void,
  timeoutMs = 10_000,
): RawFollow {
  let stopped = false;
  let ended = false;
  let socket: Duplex | null = null;
  const end = (error?: string) => {
    if (ended || stopped) return;
    ended = true;
    socket?.destroy();
    onEnd(error);
  };
  const where = target.socketPath ? `unix://${target.socketPath}` : `${target.host ?? 'localhost'}:${target.port ?? ''}`;
  const timer = setTimeout(() => end(`no answer from the Docker engine at ${where} within ${timeoutMs / 1000} s`), timeoutMs);
  timer.unref();
  const fullPath = target.version ? `/${target.version}${path}` : path;
  const host = target.socketPath ? 'docker' : `${target.host ?? 'localhost'}:${target.port ?? ''}`;
  let head: Buffer | null = Buffer.alloc(0);
  let decoder: ChunkedDecoder | null = null;
  let status = 0;
  let errorBody = '';
  const onRead = (read: Buffer) => {
    if (stopped || ended) return;
    let buf = read;
    try {
      if (head !== null) {
        head = Buffer.concat([head, buf]);
        const at = head.indexOf('\r\n\r\n');
        if (at === -1) {
          if (head.length > MAX_HEAD) end('the Docker engine sent an oversized response head');
          return;
        }
        clearTimeout(timer);
        const text = head.toString('latin1', 0, at);
        const rest = head.subarray(at + 4);
        head = null;
        status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
        if (/\r\ntransfer-encoding:\s*chunked/i.test(text)) decoder = new ChunkedDecoder();
        buf = rest;
        if (buf.length === 0) return;
      }
      const body = decoder ? decoder.push(buf) : buf;
      if (status !== 200) {
        if (errorBody.length < 2000) errorBody += body.toString('utf8');
        return;
      }
      if (body.length > 0) onData(body);
      if (decoder?.done) end();
    } catch (e) {
      end((e as Error).message);
    }
  };
  void connect(target, onRead).then(
    (s) => {
      if (stopped) {
        s.destroy();
        return;
      }
      socket = s;
      s.write(`GET ${fullPath} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: titan-tui\r\nConnection: close\r\n\r\n`);
      s.once('end', () => {
        if (status !== 0 && status !== 200) {
          let message = errorBody.trim();
          try {
            message = (JSON.parse(message) as { message?: string }).message ?? message;
          } catch {
            /* plain text */
          }
          return end(`the Docker engine answered ${status}${message ? `: ${message.slice(0, 200)}` : ''}`);
        }
        end(status === 0 ? `the Docker engine at ${where} closed the connection` : undefined);
      });
      s.once('error', (e: Error) => end(`log stream from ${where}: ${e.message}`));
      s.once('close', () => end(decoder && !decoder.done ? `the log stream from ${where} was closed` : undefined));
    },
    (e: Error) => end(`cannot reach the Docker engine at ${where}: ${e.message}`),
  );
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      socket?.destroy();
    },
  };
}
