import type { ProbeStatus, BreakerStatus } from '../state/types.js';
import { printable } from '../text/safe-text.js';
import type { HttpOutcome } from './http/client.js';
import { parseBreakerStatus, type Validated } from './validate.js';

/**
 * Turns one HTTP outcome into a probe verdict, validating the (untrusted) body against the shapes in
 * contract §4.1 (brain /health, /status) and §4.2 (execution /health). Pure: no I/O, never throws.
 */

export type ProbeKind = 'brain-health' | 'execution-health' | 'brain-status';

export interface ProbeVerdict {
  status: ProbeStatus;
  httpStatus?: number;
  detail?: string;
  /** The endpoint answered with an HTTP response (whatever it said): the service is reachable. */
  answered: boolean;
  /** brain-status only: the breaker state, or why it could not be read. */
  breaker?: Validated<BreakerStatus>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const short = (v: unknown, max = 80) => printable(typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)), max);

export function classifyProbe(kind: ProbeKind, outcome: HttpOutcome): ProbeVerdict {
  if (outcome.kind !== 'response') {
    const verdict: ProbeVerdict = { status: outcome.kind, detail: outcome.detail, answered: false };
    if (kind === 'brain-status') verdict.breaker = { ok: false, error: `/status unavailable: ${outcome.detail}` };
    return verdict;
  }
  const base = { httpStatus: outcome.status, answered: true } as const;
  if (outcome.status === 401 || outcome.status === 403) {
    const verdict: ProbeVerdict = { ...base, status: 'unauthorized', detail: `HTTP ${outcome.status}: ${serverMessage(outcome)}` };
    if (kind === 'brain-status') verdict.breaker = { ok: false, error: `/status refused: HTTP ${outcome.status}` };
    return verdict;
  }
  if (outcome.truncated) {
    const verdict: ProbeVerdict = { ...base, status: 'error', detail: `HTTP ${outcome.status} with an oversized body (cut, not parsed)` };
    if (kind === 'brain-status') verdict.breaker = { ok: false, error: '/status body too large to read' };
    return verdict;
  }
  switch (kind) {
    case 'brain-health':
      return { ...base, ...brainHealth(outcome) };
    case 'execution-health':
      return { ...base, ...executionHealth(outcome) };
    case 'brain-status':
      return { ...base, ...brainStatus(outcome) };
  }
}

type Response = Extract<HttpOutcome, { kind: 'response' }>;
type Part = Omit<ProbeVerdict, 'answered' | 'httpStatus'>;

/** brain GET /health: 200 {"status":"healthy"|"degraded"}, 503 {"status":"unhealthy"}. */
function brainHealth(r: Response): Part {
  const said = isObj(r.body) ? r.body.status : undefined;
  if (r.status === 200 && said === 'healthy') return { status: 'healthy' };
  if (r.status === 200 && said === 'degraded') return { status: 'degraded', detail: 'brain reports degraded' };
  if (r.status === 503)
    return { status: 'unhealthy', detail: said === undefined ? `HTTP 503: ${orEmpty(r.text)}` : `status ${short(said)}` };
  return unexpected(r, 'a brain /health body {"status":"healthy"|"degraded"}');
}

/** execution GET /health: 200 {"status":"ok",dependencies:{nats}}, 503 {"status":"unhealthy",...}. */
function executionHealth(r: Response): Part {
  const body = isObj(r.body) ? r.body : undefined;
  const nats =
    body && isObj(body.dependencies) && body.dependencies.nats !== undefined ? `nats: ${short(body.dependencies.nats, 60)}` : undefined;
  if (r.status === 200 && body?.status === 'ok') return nats ? { status: 'healthy', detail: nats } : { status: 'healthy' };
  if (r.status === 503)
    return { status: 'unhealthy', detail: nats ?? (body ? `status ${short(body.status)}` : `HTTP 503: ${orEmpty(r.text)}`) };
  return unexpected(r, 'an execution /health body {"status":"ok"}');
}

const MODE_STATUS: Record<string, ProbeStatus> = {
  NORMAL: 'healthy',
  CAUTIOUS: 'degraded',
  DEFENSIVE: 'degraded',
  EMERGENCY: 'unhealthy',
};

/** brain GET /status: {mode, ..., details:{circuitBreaker}}; 500 {mode:"EMERGENCY"} when its health check fails. */
function brainStatus(r: Response): Part {
  const body = isObj(r.body) ? r.body : undefined;
  const mode = typeof body?.mode === 'string' ? body.mode : undefined;
  const modeStatus = mode !== undefined ? MODE_STATUS[mode] : undefined;
  const details = body && isObj(body.details) ? body.details : undefined;
  const breaker: Validated<BreakerStatus> =
    details && 'circuitBreaker' in details
      ? prefixError(parseBreakerStatus(details.circuitBreaker), '/status details.')
      : { ok: false, error: `/status answered HTTP ${r.status} without details.circuitBreaker` };
  if ((r.status === 200 || r.status === 500 || r.status === 503) && modeStatus && mode) {
    return { status: r.status === 200 ? modeStatus : 'unhealthy', detail: `mode ${mode}`, breaker };
  }
  if (r.status === 503) return { status: 'unhealthy', detail: `HTTP 503: ${orEmpty(r.text)}`, breaker };
  return { ...unexpected(r, 'a brain /status body with mode NORMAL|CAUTIOUS|DEFENSIVE|EMERGENCY'), breaker };
}

function prefixError<T>(v: Validated<T>, prefix: string): Validated<T> {
  return v.ok ? v : { ok: false, error: `${prefix}${v.error}` };
}

function unexpected(r: Response, expected: string): Part {
  if (r.status < 200 || r.status >= 300) return { status: 'error', detail: `unexpected HTTP ${r.status}: ${orEmpty(r.text)}` };
  if (r.body === null) return { status: 'error', detail: `HTTP ${r.status} but the body is not JSON: ${orEmpty(r.text)}` };
  return { status: 'error', detail: `HTTP ${r.status} but expected ${expected}, got ${printable(r.text, 120)}` };
}

/** brain's 401/403 bodies carry {error, message} or {error, details}; fall back to the raw text. */
function serverMessage(r: Response): string {
  if (isObj(r.body)) {
    const parts = [r.body.error, r.body.message, r.body.details].filter((p): p is string => typeof p === 'string' && p !== '');
    if (parts.length > 0) return printable(parts.join(': '), 160);
  }
  return orEmpty(r.text);
}

const orEmpty = (text: string) => (text === '' ? '(empty body)' : printable(text, 160));
