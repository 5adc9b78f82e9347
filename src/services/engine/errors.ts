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

/** Certificate checks that fail on our side: the engine is not the one the configured CA vouches for. */
const TLS_SERVER: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate is not signed by the CA in docker.tls.caFile (wrong CA file?)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed and not the CA in docker.tls.caFile',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is not signed by the CA in docker.tls.caFile (wrong CA file?)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is not signed by the CA in docker.tls.caFile (wrong CA file?)',
  UNABLE_TO_GET_ISSUER_CERT: 'its certificate is not signed by the CA in docker.tls.caFile (wrong CA file?)',
  CERT_SIGNATURE_FAILURE: 'its certificate signature does not verify against docker.tls.caFile',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet (check the clocks)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is not issued for this host name or IP address',
};

/** What a TLS failure means, or null when it is not one. */
function tlsProblem(err: ModemError): string | null {
  const code = err.code ?? '';
  if (code in TLS_SERVER) return `TLS: the engine was refused: ${TLS_SERVER[code]} (${code})`;
  if (/^ERR_SSL_.*(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_REQUIRED|ACCESS_DENIED|HANDSHAKE_FAILURE)/.test(code))
    return `TLS: the engine refused our client certificate (docker.tls.certFile / keyFile not signed by the CA it trusts) (${code})`;
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO')
    return `TLS: the engine does not speak TLS on this port (a plain tcp:// engine? drop docker.tls) (${code})`;
  return null;
}

export function classify(e: unknown, ctx: FailureContext): Failure {
  if (e instanceof EngineError) return { reason: e.reason, detail: e.detail };
  if ((e as Error)?.name === 'SshError') {
    const code = (e as ModemError).code;
    const hint = code === 'ECONNREFUSED' ? ' (is sshd running there, on this port?)' : '';
    return { reason: 'engine-down', detail: `Docker engine not reachable at ${ctx.endpoint}: ${(e as Error).message}${hint}` };
  }
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
  const tls = tlsProblem(err);
  if (tls) return { reason: 'engine-down', detail: `Docker engine at ${ctx.endpoint}: ${tls}` };
  const code = err.code ?? '';
  if (code in UNREACHABLE || err.message === 'socket hang up' || err.level?.startsWith('client-')) {
    const what = code ? `${err.syscall ?? 'connect'} ${code}` : String(err.message);
    const hint = UNREACHABLE[code];
    return { reason: 'engine-down', detail: `Docker engine not reachable at ${ctx.endpoint}: ${what}${hint ? ` (${hint})` : ''}` };
  }
  return { reason: 'error', detail: `${ctx.op} failed: ${String(err.message ?? e)}` };
}
