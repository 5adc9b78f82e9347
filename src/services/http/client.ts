import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher, request } from 'undici';
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

// The precise per-request connect limit is RequestDeadline's; this one only reaps sockets that never connect.
const AGENT_CONNECT_BACKSTOP_MS = 10_000;

let agent: Agent | null = null;

/** One keep-alive agent for the process: probes every 2 s reuse their connection. */
function sharedAgent(): Agent {
  agent ??= new Agent({ keepAliveTimeout: 4_000, connect: { timeout: AGENT_CONNECT_BACKSTOP_MS } });
  return agent;
}

/** Closes every pooled connection (in-flight requests fail). Call at shutdown; a later request opens a new agent. */
export async function closeHttpAgent(): Promise<void> {
  const a = agent;
  agent = null;
  if (a) await a.destroy().catch(() => undefined);
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
    const dispatcher = sharedAgent().compose(onRequestStart(() => deadline.connected()));
    const res = await request(target, {
      dispatcher,
      method: opts.method,
      headers,
      body: opts.body !== undefined ? rawBody : undefined,
      signal: deadline.signal,
      // undici's own limits stay as a backstop behind the precise ones.
      headersTimeout: headersTimeoutMs,
      bodyTimeout: bodyTimeoutMs,
    });
    deadline.headersReceived();
    const { bytes, truncated } = await readCapped(res.body, maxBodyBytes, () => deadline.progressed());
    const text = bytes.toString('utf8');
    // Bodies are outside text: an error page may echo the request's Authorization or x-signature.
    return {
      kind: 'response',
      status: res.statusCode,
      body: truncated ? null : redactValue(parseJson(text)),
      text: printable(redact(text), DISPLAY_CHARS),
      latencyMs: latencyMs(),
      ...(truncated ? { truncated: true } : {}),
    };
  } catch (err) {
    if (deadline.expired) return fail('timeout', describeExpiry(deadline.expired, endpoint));
    if (deadline.cancelled) return fail('error', `request to ${endpoint} cancelled`);
    return classifyError(err, endpoint, fail, { headersTimeoutMs, bodyTimeoutMs });
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

/** An interceptor that reports when undici has a connected socket and starts writing this request. */
function onRequestStart(seen: () => void): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) =>
    dispatch(options, {
      ...forward(handler),
      onRequestStart: (controller, context) => {
        seen();
        handler.onRequestStart?.(controller, context);
      },
    });
}

/** Forwards every callback the handler actually has, bound to it (undici checks which ones exist). */
function forward(handler: Dispatcher.DispatchHandler): Dispatcher.DispatchHandler {
  const out: Record<string, unknown> = {};
  for (const key of [
    'onRequestUpgrade',
    'onResponseStart',
    'onResponseData',
    'onResponseEnd',
    'onResponseError',
    'onResponseStarted',
    'onBodySent',
    'onRequestSent',
  ] as const) {
    const fn = handler[key];
    if (typeof fn === 'function') out[key] = (fn as (...a: unknown[]) => unknown).bind(handler);
  }
  return out as Dispatcher.DispatchHandler;
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

/** Error codes of an error chain: undici and net wrap OS errors in `cause` or an AggregateError. */
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
  limits: { headersTimeoutMs: number; bodyTimeoutMs: number },
): HttpOutcome {
  const codes = errorCodes(err);
  const has = (code: string) => codes.includes(code);
  if (has('UND_ERR_CONNECT_TIMEOUT')) return fail('timeout', `no connection to ${endpoint} (connect timeout)`);
  if (has('UND_ERR_HEADERS_TIMEOUT')) {
    return fail('timeout', `${endpoint} sent no response headers within ${limits.headersTimeoutMs} ms (headers timeout)`);
  }
  if (has('UND_ERR_BODY_TIMEOUT')) {
    return fail('timeout', `${endpoint} stopped sending the response body for ${limits.bodyTimeoutMs} ms (body timeout)`);
  }
  if (has('UND_ERR_ABORTED') || (err instanceof Error && err.name === 'AbortError')) {
    return fail('timeout', `request to ${endpoint} aborted before a complete response`);
  }
  if (has('ECONNREFUSED')) return fail('refused', `connection refused by ${endpoint} (nothing listening on that port)`);
  if (has('ENOTFOUND') || has('EAI_AGAIN')) return fail('error', `cannot resolve host of ${endpoint} (DNS lookup failed)`);
  if (has('ECONNRESET') || has('UND_ERR_SOCKET')) {
    return fail('error', `${endpoint} closed the connection before a complete response`);
  }
  if (has('EHOSTUNREACH') || has('ENETUNREACH')) return fail('error', `${endpoint} is unreachable (no route to host)`);
  if (has('UND_ERR_DESTROYED') || has('UND_ERR_CLOSED')) return fail('error', 'HTTP client is shutting down');
  return fail('error', `request to ${endpoint} failed: ${errorText(err)}`);
}
