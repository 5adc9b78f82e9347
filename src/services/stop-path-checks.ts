/**
 * The checks a connection alone cannot answer, run without side effects, for the readiness line
 * and `doctor`:
 * - may the configured NATS user publish the halt subject? (`$SYS.REQ.USER.INFO`, NATS 2.10+;
 *   an older server cannot say, and that is reported as such, never as ok);
 * - would brain accept the breaker reset's credentials? (a signed `GET /auth/whoami` with the same
 *   HMAC and admin JWT; role and expiry read from the JWT itself, since whoami lists no roles).
 * Results are events in the store; a failing check never throws.
 */
import type { Config } from '../config/schema.js';
import type { Contract } from '../contract/types.js';
import type { CheckId, CheckResult } from '../state/checks.js';
import type { Emit } from '../state/events.js';
import type { CockpitStore } from '../state/store.js';
import type { Bus } from './bus.js';
import { adminJwtProblem, brainAdminJwt } from './http/admin-jwt.js';
import { httpRequest } from './http/client.js';
import { describeRefusal } from './http/refusal.js';
import { mayPublish, parseUserInfo } from './nats-permissions.js';

export interface StopPathCheckDeps {
  bus: Pick<Bus, 'ask'>;
  store: CockpitStore;
  emit: Emit;
  contract: Contract;
  config: Config;
  operator: string;
  serviceUrl: (service: 'brain') => Promise<string | null>;
  /** Re-check this often (and whenever NATS or brain comes back). */
  intervalMs?: number;
}

const USER_INFO = '$SYS.REQ.USER.INFO';
/** The permission check's word between a (re)connection and its result. */
export const NATS_CHECKING = 'NATS connected just now: checking the publish permission';

export class StopPathChecks {
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: StopPathCheckDeps) {}

  start(): void {
    const again = () => void this.run();
    this.unsubscribe = this.deps.store.subscribe((s, p) => {
      const back = (t: 'nats' | 'brain') => s.connections[t].status === 'connected' && p.connections[t].status !== 'connected';
      // The result from before (NATS down: "NATS not connected") no longer holds, and the new one is
      // a moment away: the readiness line says so meanwhile, next to a header that says NATS●.
      if (back('nats')) queueMicrotask(() => this.report('nats-permission', 'unverifiable', NATS_CHECKING));
      // A moment later: the connection event is emitted before the client is ready for requests.
      if (back('nats') || back('brain')) setTimeout(again, 250).unref();
    });
    const every = this.deps.intervalMs ?? 60_000;
    this.timer = setInterval(again, every);
    this.timer.unref();
    again();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
  }

  /** Both checks once (concurrent calls share the run in flight). */
  run(): Promise<void> {
    this.running ??= Promise.all([this.natsPermission(), this.brainCredentials()])
      .then(() => undefined)
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private report(id: CheckId, state: CheckResult['state'], detail: string): void {
    this.deps.emit({ type: 'check', id, result: { state, detail, at: Date.now() } });
  }

  private async natsPermission(): Promise<void> {
    const subject = this.deps.contract.nats.halt.hard.subject;
    const r = await this.deps.bus.ask(USER_INFO, 1500);
    if (!r.ok) {
      if (r.reason === 'not-connected') return this.report('nats-permission', 'unverifiable', 'NATS not connected');
      const why =
        r.reason === 'no-responders' || r.reason === 'timeout'
          ? 'this server does not answer $SYS.REQ.USER.INFO (NATS before 2.10)'
          : r.detail;
      return this.report('nats-permission', 'unverifiable', `publish permission for ${subject} not verifiable: ${why}`);
    }
    const info = parseUserInfo(r.value);
    if (!info.ok) return this.report('nats-permission', 'unverifiable', `publish permission not verifiable: ${info.error}`);
    if (mayPublish(info.publish, subject))
      return this.report('nats-permission', 'ok', `user ${info.user} may publish ${subject} (server's USER.INFO)`);
    this.report(
      'nats-permission',
      'failed',
      `user ${info.user} may NOT publish ${subject} (server's USER.INFO): use a user with publish rights on it`,
    );
  }

  private async brainCredentials(): Promise<void> {
    const { contract, config, operator } = this.deps;
    const reset = contract.http.brain.breakerReset;
    if (!reset.auth.hmac && !reset.auth.jwt)
      return this.report('brain-credentials', 'ok', `${reset.path} needs no credentials in the ${contract.profile} profile`);
    if (reset.auth.hmac && !config.brain.hmacSecret)
      return this.report('brain-credentials', 'failed', 'brain HMAC secret not configured (brain.hmacSecret)');
    const jwt = reset.auth.jwt ? brainAdminJwt(config.brain, operator) : undefined;
    if (reset.auth.jwt) {
      if (!jwt) return this.report('brain-credentials', 'failed', 'no admin JWT or JWT secret configured (brain.jwt / brain.jwtSecret)');
      const problem = adminJwtProblem(jwt);
      if (!problem.ok) return this.report('brain-credentials', 'failed', problem.why);
    }
    const route = contract.http.brain.whoami;
    if (!route)
      return this.report('brain-credentials', 'unverifiable', 'the profile has no side-effect-free route to test the credentials');
    const url = await this.deps.serviceUrl('brain');
    if (!url) return this.report('brain-credentials', 'unverifiable', 'brain address unknown (container not running or no URL configured)');
    const r = await httpRequest({
      url,
      method: route.method,
      path: route.path,
      auth: route.auth,
      hmacSecret: config.brain.hmacSecret,
      jwt,
      totalTimeoutMs: 3000,
    });
    if (r.kind !== 'response') return this.report('brain-credentials', 'unverifiable', `${route.path}: ${r.detail}`);
    if (r.status === 404) return this.report('brain-credentials', 'unverifiable', `brain has no ${route.path} route (HTTP 404)`);
    if (r.status === 200)
      return this.report('brain-credentials', 'ok', `brain accepted the HMAC signature and the admin JWT (${route.method} ${route.path})`);
    const { why, hint } = describeRefusal(r.status, r.body, r.text);
    this.report('brain-credentials', 'failed', `brain refused the credentials: HTTP ${r.status} ${why}${hint ? ` (${hint})` : ''}`);
  }
}
