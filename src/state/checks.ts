/** Results of the stop-path checks (services/stop-path-checks.ts) as the store keeps them. */
export type CheckId = 'nats-permission' | 'brain-credentials';

export interface CheckResult {
  /** unverifiable: the check could not say (an old server, brain unreachable); never read as ok. */
  state: 'ok' | 'failed' | 'unverifiable';
  detail: string;
  at: number;
}

export type Checks = Partial<Record<CheckId, CheckResult>>;
