/**
 * The log worker's HTTP client for log streams: one decode per socket read (not one event per log
 * line), against a local server speaking HTTP/1.1 like the Docker engine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChunkedDecoder, followRaw } from '../../src/services/logs/raw-follow.js';

function chunked(parts: string[]): Buffer {
  return Buffer.from(`${parts.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('')}0\r\n\r\n`);
}

describe('ChunkedDecoder', () => {
  it('strips the framing whatever the read boundaries, and knows the end', () => {
    const parts = ['one\n', 'two two\n', 'x'.repeat(300), '\n'];
    const bytes = chunked(parts);
    for (let size = 1; size <= bytes.length; size += size < 8 ? 1 : 37) {
      const d = new ChunkedDecoder();
      const out: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) out.push(Buffer.from(d.push(bytes.subarray(i, i + size)))); // the decoder reuses its buffer
      expect(Buffer.concat(out).toString()).toBe(parts.join(''));
      expect(d.done).toBe(true);
    }
  });

  it('chunk extensions are ignored, a malformed size is an error', () => {
    expect(new ChunkedDecoder().push(Buffer.from('3;ext=1\r\nabc\r\n')).toString()).toBe('abc');
    expect(() => new ChunkedDecoder().push(Buffer.from('zz\r\nabc\r\n'))).toThrow(/bad chunk size/);
  });
});

describe('followRaw', () => {
  let dir = '';
  let server: Server | null = null;
  afterEach(() => {
    server?.close();
    server = null;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function serve(answer: (request: string, socket: Socket) => void): Promise<string> {
    dir = mkdtempSync(join(tmpdir(), 'raw-follow-'));
    const path = join(dir, 'engine.sock');
    server = createServer((socket) => socket.once('data', (d) => answer(d.toString('latin1'), socket)));
    return new Promise((resolve) => server?.listen(path, () => resolve(path)));
  }

  it('GETs the path, then hands over the de-chunked body, and ends when the engine ends it', async () => {
    let request = '';
    const path = await serve((req, socket) => {
      request = req;
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n');
      socket.end(chunked(['line 1\n', 'line 2\n']));
    });
    const body: Buffer[] = [];
    const ended = await new Promise<string | undefined>((resolve) => {
      followRaw({ socketPath: path, protocol: 'http' }, '/containers/x/logs?follow=true', (b) => body.push(Buffer.from(b)), resolve);
    });
    expect(request).toMatch(/^GET \/containers\/x\/logs\?follow=true HTTP\/1\.1\r\n/);
    expect(Buffer.concat(body).toString()).toBe('line 1\nline 2\n');
    expect(ended).toBeUndefined();
  });

  it("reports the engine's refusal with its message", async () => {
    const path = await serve((_req, socket) => {
      const body = JSON.stringify({ message: 'No such container: x' });
      socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    const ended = await new Promise<string | undefined>((resolve) => {
      followRaw({ socketPath: path, protocol: 'http' }, '/containers/x/logs', () => undefined, resolve);
    });
    expect(ended).toBe('the Docker engine answered 404: No such container: x');
  });

  it('says when the engine cannot be reached, and stop() means no end is reported', async () => {
    const ended = await new Promise<string | undefined>((resolve) => {
      followRaw({ socketPath: '/nonexistent/engine.sock', protocol: 'http' }, '/x', () => undefined, resolve);
    });
    expect(ended).toMatch(/^cannot reach the Docker engine at unix:\/\/\/nonexistent\/engine\.sock/);
    const path = await serve(() => undefined); // never answers
    let called = false;
    const f = followRaw(
      { socketPath: path, protocol: 'http' },
      '/x',
      () => undefined,
      () => {
        called = true;
      },
    );
    await new Promise((r) => setTimeout(r, 50));
    f.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(called).toBe(false);
  });
});
