/**
 * The brain's HTTP surface, reproducing the Fastify v5 request lifecycle the cockpit meets:
 * body parsing first, then the global HMAC preHandler, then the route's admin guard, then the handler.
 * Exact bodies and messages come from contract §4.1 and §11.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { adminGuard, tokenGuard, validateHmac } from './brain-auth.js';
import type { BreakerStatus } from './brain-breaker.js';
import type { BrainLog } from './log.js';

export interface BrainHttpDeps {
  hmacSecret: string;
  jwtSecret: string;
  hmacToleranceSec: number;
  log: BrainLog;
  status(): { code: number; body: unknown };
  breaker(): BreakerStatus;
  resetBreaker(operatorId: string): void;
  riskHalt(operatorId: string, reason: string): void;
}

interface Reply {
  code: number;
  body: unknown;
  /** Default JSON; text replies give their own type. */
  type?: string;
}

interface Ctx {
  url: string;
  method: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

interface Route {
  admin: boolean;
  /** Needs a valid token but no role (GET /auth/whoami). */
  token?: boolean;
  handle(ctx: Ctx): Reply;
}

const BODY_LIMIT = 1_048_576;
/** The HMAC hook compares the raw URL, so `/health?x=1` is not exempt (contract §11). */
const HMAC_EXEMPT = new Set(['/health', '/status', '/metrics']);

const fstError = (statusCode: number, code: string, error: string, message: string): Reply => ({
  code: statusCode,
  body: { statusCode, code, error, message },
});

/** `const { operatorId } = request.body` throws on an absent body; Fastify turns it into a 500. */
function destructureError(body: unknown): Reply | undefined {
  if (body === undefined || body === null) {
    return {
      code: 500,
      body: { error: `Cannot destructure property 'operatorId' of 'request.body' as it is ${body}.`, timestamp: Date.now() },
    };
  }
  return undefined;
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

/** The claims of a token the guard already verified. */
function decodeClaims(authorization: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from((authorization ?? '').split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function routes(deps: BrainHttpDeps): Map<string, Route> {
  const m = new Map<string, Route>();
  m.set('GET /health', { admin: false, handle: () => ({ code: 200, body: { status: 'healthy' } }) });
  m.set('GET /status', { admin: false, handle: () => deps.status() });
  m.set('GET /metrics', {
    admin: false,
    handle: () => ({ code: 200, body: '# Legacy metrics not available in refactored server\n', type: 'text/plain; charset=utf-8' }),
  });
  m.set('GET /breaker', { admin: false, handle: () => ({ code: 200, body: deps.breaker() }) });
  // Who the token says you are; like the real route it lists no roles, even for an admin token.
  m.set('GET /auth/whoami', {
    admin: false,
    token: true,
    handle: ({ headers }) => {
      const claims = decodeClaims(headers.authorization);
      return { code: 200, body: { operatorId: claims.operatorId ?? claims.sub ?? null, roles: [] } };
    },
  });
  m.set('POST /breaker/reset', {
    admin: true,
    handle: ({ body }) => {
      const thrown = destructureError(body);
      if (thrown) return thrown;
      const operatorId = field(body, 'operatorId');
      if (!operatorId || typeof operatorId !== 'string') {
        return { code: 400, body: { error: 'operatorId is required', timestamp: Date.now() } };
      }
      deps.resetBreaker(operatorId);
      return { code: 200, body: { success: true, message: 'Circuit breaker reset', operatorId, timestamp: Date.now() } };
    },
  });
  m.set('POST /risk/halt', {
    admin: true,
    handle: ({ body }) => {
      const thrown = destructureError(body);
      if (thrown) return thrown;
      const operatorId = field(body, 'operatorId');
      const reason = field(body, 'reason');
      if (!operatorId || !reason) return { code: 400, body: { error: 'operatorId and reason required' } };
      deps.riskHalt(String(operatorId), String(reason));
      return { code: 200, body: { success: true, message: 'EMERGENCY HALT TRIGGERED', timestamp: Date.now() } };
    },
  });
  return m;
}

type Parsed = { ok: true; body: unknown } | { ok: false; reply: Reply };

/** Fastify's content-type parsing rules: which requests get parsed, and the default parsers. */
function parseBody(req: IncomingMessage, raw: string): Parsed {
  const method = req.method ?? 'GET';
  const ct = req.headers['content-type'];
  const te = req.headers['transfer-encoding'];
  const cl = req.headers['content-length'];
  let parse = false;
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    parse = ct === undefined ? te !== undefined || (cl !== undefined && cl !== '0') : te !== undefined || cl !== undefined;
  } else if (method === 'DELETE' || method === 'OPTIONS') {
    parse = ct !== undefined && (te !== undefined || cl !== undefined);
  }
  if (!parse) return { ok: true, body: undefined };
  const media = (ct ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (media === 'application/json') {
    if (raw === '') {
      return {
        ok: false,
        reply: fstError(
          400,
          'FST_ERR_CTP_EMPTY_JSON_BODY',
          'Bad Request',
          "Body cannot be empty when content-type is set to 'application/json'",
        ),
      };
    }
    try {
      return { ok: true, body: JSON.parse(raw) };
    } catch {
      return {
        ok: false,
        reply: fstError(
          400,
          'FST_ERR_CTP_INVALID_JSON_BODY',
          'Bad Request',
          "Body is not valid JSON but content-type is set to 'application/json'",
        ),
      };
    }
  }
  if (media === 'text/plain') return { ok: true, body: raw };
  return {
    ok: false,
    reply: fstError(415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Media Type', `Unsupported Media Type: ${ct ?? ''}`),
  };
}

function readBody(req: IncomingMessage): Promise<{ raw: string; tooLarge: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve({ raw: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', () => resolve({ raw: '', tooLarge }));
  });
}

export function createBrainHttp(deps: BrainHttpDeps): Server {
  const table = routes(deps);
  let reqCounter = 0;

  const lifecycle = async (req: IncomingMessage): Promise<Reply> => {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const path = url.split('?')[0] ?? '/';
    const route = table.get(`${method === 'HEAD' ? 'GET' : method} ${path}`);

    const { raw, tooLarge } = await readBody(req);
    if (tooLarge) return fstError(413, 'FST_ERR_CTP_BODY_TOO_LARGE', 'Payload Too Large', 'Request body is too large');
    const parsed = parseBody(req, raw);
    if (!parsed.ok) return parsed.reply;

    // Global preHandler hook: runs for every route, including the 404 handler.
    if (!HMAC_EXEMPT.has(url)) {
      const hmac = validateHmac(raw, req.headers, deps.hmacSecret, deps.hmacToleranceSec);
      if (!hmac.valid) {
        deps.log.error('Security event: HMAC validation failed', {
          severity: 'high',
          ip: req.socket.remoteAddress,
          endpoint: url,
          error: hmac.error,
          userAgent: req.headers['user-agent'],
        });
        return { code: 401, body: { error: 'Unauthorized', message: hmac.error, timestamp: new Date().toISOString() } };
      }
    }
    if (!route) return { code: 404, body: { message: `Route ${method}:${url} not found`, error: 'Not Found', statusCode: 404 } };
    if (route.admin || route.token) {
      const guard = (route.admin ? adminGuard : tokenGuard)(req.headers.authorization, deps.jwtSecret);
      if (!guard.ok) return { code: guard.status, body: guard.body };
    }
    return route.handle({ url, method, headers: req.headers, body: parsed.body });
  };

  const send = (res: ServerResponse, reply: Reply) => {
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.code, {
      'content-type': reply.type ?? 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };

  return createServer((req, res) => {
    const reqId = `req-${(++reqCounter).toString(36)}`;
    const started = performance.now();
    deps.log.pino(30, 'incoming request', {
      reqId,
      req: {
        method: req.method,
        url: req.url,
        host: req.headers.host,
        remoteAddress: req.socket.remoteAddress,
        remotePort: req.socket.remotePort,
      },
    });
    res.on('finish', () => {
      deps.log.pino(30, 'request completed', { reqId, res: { statusCode: res.statusCode }, responseTime: performance.now() - started });
    });
    lifecycle(req)
      .then((reply) => {
        if (reply.code === 404) deps.log.pino(30, `Route ${req.method}:${req.url} not found`, { reqId });
        send(res, reply);
      })
      .catch((e: unknown) => {
        deps.log.pino(50, e instanceof Error ? e.message : String(e), { reqId });
        if (!res.headersSent) send(res, fstError(500, 'FST_ERR_INTERNAL', 'Internal Server Error', 'Internal Server Error'));
        else res.end();
      });
  });
}
