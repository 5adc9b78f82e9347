import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { errorText } from '../bus/text.js';
import { printable } from '../../text/safe-text.js';
import { redact, redactUrl, redactValue, registerSecret } from '../redact.js';
import { describeExpiry, RequestDeadline } from './deadline.js';
import { hmacHeaders } from './sign.js';

/**
 * The one way the cockpit talks HTTP to brain and execution: bounded in time and size, signed when
 * asked, and never throwing — every failure comes back as an HttpOutcome an operator can read.
 */

export const HTTP_DEFAULTS = {
  connectTimeoutMs: 2000,
  headersTimeoutMs: 2000,
  bodyTimeoutMs: 2000,
  totalTimeoutMs: 2500,
  maxBodyBytes: 256 * 1024,
} as const;

const DISPLAY_CHARS = 500;
export const HMAC_SECRET_MISSING = 'HMAC secret not configured (set TITAN_TUI_BRAIN_HMAC_SECRET or brain.hmacSecret)';
export const JWT_MISSING = 'admin token not available (set the JWT secret or the HMAC secret for brain)';

export type HttpOutcome =
  | {
      kind: 'response';
      status: number;
      /** Parsed JSON, or null when the body is empty, not JSON, or was cut at maxBodyBytes. */
      body: unknown;
      /** Printable, at most 500 chars, for display. */
      text: string;
      latencyMs: number;
      /** True when the body was longer than maxBodyBytes and the rest was not read. */
      truncated?: boolean;
    }
  | { kind: 'timeout' | 'refused' | 'error'; detail: string; latencyMs: number };

export interface HttpRequestOptions {
  /** Base URL (scheme, host, port, optional path prefix). */
  url: string;
  method: 'GET' | 'POST';
  path: string;
  /** Serialized to JSON once; exactly those bytes are signed and sent. */
  body?: unknown;
  hmacSecret?: string;
  jwt?: string;
  auth: { hmac: boolean; jwt: boolean };
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** Longest silence allowed between body chunks. */
  bodyTimeoutMs?: number;
  /** Hard cap on the whole request, whatever the server does. */
  totalTimeoutMs?: number;
  maxBodyBytes?: number;
  /** Cancels the request (reported as an error, not a timeout). */
  signal?: AbortSignal;
}

// node:http, not undici: loading undici cost ~120 ms of every start-up (its module graph and its
// WebAssembly HTTP parser) for a few small GETs and POSTs; node:http is in Node's own snapshot and
// docker-modem loads it anyway (bench/cockpit.bench.test.ts, start to first complete frame). The
// precise limits are RequestDeadline's either way.
let agents: { http: http.Agent; https: https.Agent } | null = null;

/** One keep-alive agent per scheme for the process: probes every 2 s reuse their connection. */
function sharedAgent(protocol: string): http.Agent {
  // `timeout` closes a pooled connection left idle for 4 s (a request never waits that long: RequestDeadline).
  agents ??= { http: new http.Agent({ keepAlive: true, timeout: 4_000 }), https: new https.Agent({ keepAlive: true, timeout: 4_000 }) };
  return protocol === 'https:' ? agents.https : agents.http;
}

/** Closes every pooled connection (in-flight requests fail). Call at shutdown; a later request opens new agents. */
export async function closeHttpAgent(): Promise<void> {
  const a = agents;
  agents = null;
  a?.http.destroy();
  a?.https.destroy();
}

export async function httpRequest(opts: HttpRequestOptions): Promise<HttpOutcome> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  // Known to the redaction layer before anything can echo them (a server may quote our headers).
  registerSecret(opts.hmacSecret);
  registerSecret(opts.jwt);
  const fail = (kind: 'timeout' | 'refused' | 'error', detail: string): HttpOutcome => ({
    kind,
    detail: printable(redact(detail)),
    latencyMs: latencyMs(),
  });

  const target = resolveTarget(opts.url, opts.path);
  if (typeof target === 'string') return fail('error', target);
  const endpoint = target.host;

  let rawBody = '';
  if (opts.body !== undefined) {
    try {
      const json: unknown = JSON.stringify(opts.body);
      if (typeof json !== 'string') return fail('error', 'request body cannot be sent as JSON');
      rawBody = json;
    } catch (err) {
      return fail('error', `request body cannot be sent as JSON: ${errorText(err)}`);
    }
  }

  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.auth.hmac) {
    if (!opts.hmacSecret) return fail('error', HMAC_SECRET_MISSING);
    Object.assign(headers, hmacHeaders(opts.hmacSecret, rawBody));
  }
  if (opts.auth.jwt) {
    if (!opts.jwt) return fail('error', JWT_MISSING);
    headers.authorization = `Bearer ${opts.jwt}`;
  }

  const headersTimeoutMs = opts.headersTimeoutMs ?? HTTP_DEFAULTS.headersTimeoutMs;
  const bodyTimeoutMs = opts.bodyTimeoutMs ?? HTTP_DEFAULTS.bodyTimeoutMs;
  const maxBodyBytes = opts.maxBodyBytes ?? HTTP_DEFAULTS.maxBodyBytes;
  const deadline = new RequestDeadline(
    {
      connectMs: opts.connectTimeoutMs ?? HTTP_DEFAULTS.connectTimeoutMs,
      headersMs: headersTimeoutMs,
      bodyMs: bodyTimeoutMs,
      totalMs: opts.totalTimeoutMs ?? HTTP_DEFAULTS.totalTimeoutMs,
    },
    opts.signal,
  );

  try {
    const res = await send(target, {
      method: opts.method,
      headers,
      body: opts.body !== undefined ? rawBody : undefined,
      signal: deadline.signal,
      onConnected: () => deadline.connected(),
    });
    deadline.headersReceived();
    const { bytes, truncated } = await readCapped(res, maxBodyBytes, () => deadline.progressed());
    const text = bytes.toString('utf8');
    // Bodies are outside text: an error page may echo the request's Authorization or x-signature.
    return {
      kind: 'response',
      status: res.statusCode ?? 0,
      body: truncated ? null : redactValue(parseJson(text)),
      text: printable(redact(text), DISPLAY_CHARS),
      latencyMs: latencyMs(),
      ...(truncated ? { truncated: true } : {}),
    };
  } catch (err) {
    if (deadline.expired) return fail('timeout', describeExpiry(deadline.expired, endpoint));
    if (deadline.cancelled) return fail('error', `request to ${endpoint} cancelled`);
    return classifyError(err, endpoint, fail);
  } finally {
    deadline.done();
  }
}

/** Base URL + path; credentials in the URL are dropped (we never send or show them). */
function resolveTarget(base: string, path: string): URL | string {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    return `invalid URL "${redactUrl(base)}" (expected http://host:port)`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return `unsupported URL scheme "${u.protocol}" in ${u.host} (expected http:// or https://)`;
  }
  const prefix = u.pathname.replace(/\/+$/, '');
  return new URL(`${prefix}${path.startsWith('/') ? path : `/${path}`}`, u.origin);
}

/** One request; resolves at the response headers. onConnected: a connected socket is writing the request. */
function send(
  target: URL,
  o: { method: string; headers: Record<string, string>; body: string | undefined; signal: AbortSignal; onConnected: () => void },
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const tls = target.protocol === 'https:';
    const headers = o.body !== undefined ? { ...o.headers, 'content-length': String(Buffer.byteLength(o.body)) } : o.headers;
    const req = (tls ? https : http).request(target, { agent: sharedAgent(target.protocol), method: o.method, headers, signal: o.signal });
    req.once('socket', (socket) => {
      // A pooled connection is connected already; a new one once its TCP (and TLS) handshake is done.
      if (!socket.connecting) o.onConnected();
      else socket.once(tls ? 'secureConnect' : 'connect', o.onConnected);
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(o.body);
  });
}

/** Reads at most max bytes, then stops reading; leaving the loop destroys the body, which closes the socket. */
async function readCapped(
  body: AsyncIterable<Buffer | string>,
  max: number,
  onChunk: () => void,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const raw of body) {
    onChunk();
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    const room = max - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Error codes of an error chain: net wraps OS errors in `cause` or an AggregateError (connect to several addresses). */
function errorCodes(err: unknown, depth = 0): string[] {
  if (depth > 3 || typeof err !== 'object' || err === null) return [];
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  const codes = typeof e.code === 'string' ? [e.code] : [];
  codes.push(...errorCodes(e.cause, depth + 1));
  if (Array.isArray(e.errors)) for (const inner of e.errors) codes.push(...errorCodes(inner, depth + 1));
  return codes;
}

function classifyError(
  err: unknown,
  endpoint: string,
  fail: (kind: 'timeout' | 'refused' | 'error', detail: string) => HttpOutcome,
): HttpOutcome {
  const codes = errorCodes(err);
  const has = (code: string) => codes.includes(code);
  if (has('ABORT_ERR') || (err instanceof Error && err.name === 'AbortError')) {
    return fail('timeout', `request to ${endpoint} aborted before a complete response`);
  }
  if (has('ECONNREFUSED')) return fail('refused', `connection refused by ${endpoint} (nothing listening on that port)`);
  if (has('ENOTFOUND') || has('EAI_AGAIN')) return fail('error', `cannot resolve host of ${endpoint} (DNS lookup failed)`);
  if (has('ECONNRESET') || has('ERR_STREAM_PREMATURE_CLOSE')) {
    return fail('error', `${endpoint} closed the connection before a complete response`);
  }
  if (has('EHOSTUNREACH') || has('ENETUNREACH')) return fail('error', `${endpoint} is unreachable (no route to host)`);
  return fail('error', `request to ${endpoint} failed: ${errorText(err)}`);
}
