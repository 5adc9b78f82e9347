/** Turns what the engine client throws into a typed, operator-readable failure. */

export type EngineFailure = 'not-found' | 'engine-down' | 'timeout' | 'error';

export type EngineResult<T = void> =
  | { ok: true; value: T; latencyMs: number }
  | { ok: false; reason: EngineFailure; detail: string; latencyMs: number };

/** A failure decided by this service (not thrown by the client), carried through `classify` unchanged. */
export class EngineError extends Error {
  constructor(
    readonly reason: EngineFailure,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export interface Failure {
  reason: EngineFailure;
  detail: string;
}

/** Network errors meaning "nobody is answering there", with what an operator should check. */
const UNREACHABLE: Record<string, string> = {
  ENOENT: 'no socket there: is dockerd running?',
  ECONNREFUSED: 'nothing listening: is dockerd running?',
  ECONNRESET: 'the engine closed the connection',
  EPIPE: 'the engine closed the connection',
  EACCES: 'no permission on the socket: run as root or join the docker group',
  EPERM: 'no permission on the socket: run as root or join the docker group',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  ECONNABORTED: 'connection aborted',
};

export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

interface ModemError {
  statusCode?: number;
  json?: unknown;
  code?: string;
  syscall?: string;
  message?: string;
  level?: string; // ssh2 errors: 'client-socket', 'client-authentication', ...
}

/** Docker's own error message ({"message": "..."}), trimmed. */
export function engineMessage(e: unknown): string {
  const err = e as ModemError;
  const json = err?.json;
  if (json && typeof json === 'object' && 'message' in json && typeof (json as { message: unknown }).message === 'string') {
    return (json as { message: string }).message.trim();
  }
  if (Buffer.isBuffer(json) && json.length > 0) return json.toString('utf8').trim().slice(0, 300);
  const msg = String(err?.message ?? e);
  // docker-modem formats as "(HTTP code 404) no such container - <cause> "
  return msg.replace(/^\(HTTP code \d+\)\s*/, '').trim();
}

export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export interface FailureContext {
  endpoint: string;
  /** What was attempted, e.g. "stop titan-execution". */
  op: string;
  /** Container name, when the call addressed one (a 404 then means it does not exist). */
  container?: string;
}

export function classify(e: unknown, ctx: FailureContext): Failure {
  if (e instanceof EngineError) return { reason: e.reason, detail: e.detail };
  if (e instanceof TimeoutError) {
    return { reason: 'timeout', detail: `Docker engine at ${ctx.endpoint} did not finish "${ctx.op}" within ${seconds(e.ms)}` };
  }
  const err = (e ?? {}) as ModemError;
  if (typeof err.statusCode === 'number') {
    const message = engineMessage(e);
    if (err.statusCode === 404 && ctx.container !== undefined)
      return { reason: 'not-found', detail: `container ${ctx.container} not found` };
    if (err.statusCode === 404) return { reason: 'not-found', detail: `${ctx.op}: ${message}` };
    if (err.statusCode === 409) return { reason: 'error', detail: `${ctx.op} refused by the engine: ${message}` };
    return { reason: 'error', detail: `${ctx.op} failed (engine answered HTTP ${err.statusCode}): ${message}` };
  }
  const code = err.code ?? '';
  if (code in UNREACHABLE || err.message === 'socket hang up' || err.level?.startsWith('client-')) {
    const what = code ? `${err.syscall ?? 'connect'} ${code}` : String(err.message);
    const hint = UNREACHABLE[code];
    return { reason: 'engine-down', detail: `Docker engine not reachable at ${ctx.endpoint}: ${what}${hint ? ` (${hint})` : ''}` };
  }
  return { reason: 'error', detail: `${ctx.op} failed: ${String(err.message ?? e)}` };
}
