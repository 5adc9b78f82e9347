import { httpRequest } from '../services/http/client.js';
import { describeRefusal } from '../services/http/refusal.js';
import { brainAdminJwt } from '../services/http/admin-jwt.js';
import { parseBreakerStatus } from '../services/validate.js';
import type { ActionReport, BreakerStatus } from '../state/types.js';
import type { ReportBuilder } from './report.js';
import type { ActionDeps } from './types.js';

/** Reads the breaker straight from brain's /status (fresh; the dashboard subject is cached 60 s). */
export async function readBreaker(deps: ActionDeps): Promise<{ ok: true; status: BreakerStatus } | { ok: false; detail: string }> {
  const url = await deps.serviceUrl('brain');
  if (!url) return { ok: false, detail: 'brain address unknown (container not running or no URL configured)' };
  const route = deps.contract.http.brain.status;
  const r = await httpRequest({ url, method: route.method, path: route.path, auth: route.auth, hmacSecret: deps.config.brain.hmacSecret });
  if (r.kind !== 'response') return { ok: false, detail: `${route.path}: ${r.kind}: ${r.detail}` };
  if (r.status !== 200) return { ok: false, detail: `${route.path} answered HTTP ${r.status}` };
  const details = (r.body as { details?: { circuitBreaker?: unknown } } | null)?.details;
  const cb = parseBreakerStatus(details?.circuitBreaker);
  return cb.ok ? { ok: true, status: cb.value } : { ok: false, detail: `${route.path}: ${cb.error}` };
}

export async function runBreakerReset(deps: ActionDeps, b: ReportBuilder): Promise<ActionReport> {
  const route = deps.contract.http.brain.breakerReset;
  const channel = `brain ${route.path}`;
  const url = await deps.serviceUrl('brain');
  if (!url) {
    b.channel({ channel, outcome: 'FAILED', detail: 'brain address unknown' });
    return b.finish('FAILED', 'brain address unknown (is titan-brain running? is brain.url right?)');
  }
  b.channel({ channel, outcome: 'RUNNING', detail: `${route.method} ${url}${route.path}` });
  const r = await httpRequest({
    url,
    method: route.method,
    path: route.path,
    body: { operatorId: deps.operator },
    auth: route.auth,
    hmacSecret: deps.config.brain.hmacSecret,
    jwt: route.auth.jwt ? brainAdminJwt(deps.config.brain, deps.operator) : undefined,
  });
  if (r.kind !== 'response') {
    b.channel({ channel, outcome: 'FAILED', detail: `${r.kind}: ${r.detail}`, latencyMs: r.latencyMs });
    return b.finish('FAILED', `breaker reset not delivered: ${r.detail}`);
  }
  if (r.status !== 200) {
    // brain's `details` tells an expired token from a wrong key (src/services/http/refusal.ts).
    const { why, hint } = describeRefusal(r.status, r.body, r.text);
    b.channel({ channel, outcome: 'FAILED', detail: `HTTP ${r.status} from brain: ${why}`, latencyMs: r.latencyMs });
    return b.finish('FAILED', `brain refused the reset: HTTP ${r.status} ${why}`, hint);
  }
  b.channel({ channel, outcome: 'RUNNING', detail: `HTTP 200 in ${r.latencyMs} ms; reading ${deps.contract.http.brain.status.path}` });
  const deadline = Date.now() + deps.config.actions.verifyTimeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const s = await readBreaker(deps);
    if (s.ok && !s.status.active) {
      const now = Date.now();
      deps.store.emit({ type: 'breaker', status: s.status, source: 'status', at: now, dataAt: now });
      b.channel({ channel, outcome: 'VERIFIED', detail: 'circuitBreaker.active = false in /status', latencyMs: b.since() });
      const note = deps.contract.profile === 'titan' ? ' — the execution halt is NOT lifted by this (use RESUME)' : '';
      return b.finish('VERIFIED', `circuit breaker is not active (after ${b.since()} ms)${note}`);
    }
    last = s.ok ? `still active: ${s.status.reason ?? ''}` : s.detail;
    await new Promise((res) => setTimeout(res, 250));
  }
  b.channel({ channel, outcome: 'NOT_CONFIRMED', detail: `HTTP 200, but /status: ${last}` });
  return b.finish('NOT_CONFIRMED', 'brain accepted the reset, but /status does not show the breaker inactive');
}
