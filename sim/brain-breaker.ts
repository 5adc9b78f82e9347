/**
 * The brain's circuit breaker state (types/breaker.ts BreakerStatus, contract §4.1/§11).
 * Only HARD (FULL_HALT, manual reset) and SOFT (ENTRY_PAUSE, auto-clears after a cooldown) exist.
 */

export interface BreakerStatus {
  active: boolean;
  type?: 'HARD' | 'SOFT';
  action: 'NONE' | 'ENTRY_PAUSE' | 'FULL_HALT';
  reason?: string;
  triggeredAt?: number;
  dailyDrawdown: number;
  consecutiveLosses: number;
  equityLevel: number;
  cooldownEndsAt?: number;
  tripCount: number;
  lastTripTime?: number;
  lastReset?: number;
}

export class SimBreaker {
  private state: BreakerStatus = { active: false, action: 'NONE', dailyDrawdown: 0, consecutiveLosses: 0, equityLevel: 0, tripCount: 0 };
  private cooldown: NodeJS.Timeout | undefined;

  /** @param onCooldownEnd called after a SOFT breaker cleared itself. */
  constructor(private readonly onCooldownEnd: (reason: string) => void = () => {}) {}

  /** A copy with the key order of the real JSON (undefined keys drop out of JSON.stringify). */
  status(): BreakerStatus {
    const s = this.state;
    return {
      active: s.active,
      type: s.type,
      action: s.action,
      reason: s.reason,
      triggeredAt: s.triggeredAt,
      dailyDrawdown: s.dailyDrawdown,
      consecutiveLosses: s.consecutiveLosses,
      equityLevel: s.equityLevel,
      cooldownEndsAt: s.cooldownEndsAt,
      tripCount: s.tripCount,
      lastTripTime: s.lastTripTime,
      lastReset: s.lastReset,
    };
  }

  tripHard(reason: string, dailyDrawdown?: number): void {
    this.clearCooldown();
    const now = Date.now();
    this.state = {
      ...this.state,
      active: true,
      type: 'HARD',
      action: 'FULL_HALT',
      reason,
      triggeredAt: now,
      cooldownEndsAt: undefined,
      dailyDrawdown: dailyDrawdown ?? this.state.dailyDrawdown,
      tripCount: this.state.tripCount + 1,
      lastTripTime: now,
    };
  }

  /** A SOFT pause never downgrades an active HARD breaker. Returns false when it was ignored. */
  tripSoft(reason: string, cooldownMs: number, dailyDrawdown?: number): boolean {
    if (this.state.active && this.state.type === 'HARD') return false;
    this.clearCooldown();
    const now = Date.now();
    this.state = {
      ...this.state,
      active: true,
      type: 'SOFT',
      action: 'ENTRY_PAUSE',
      reason,
      triggeredAt: now,
      cooldownEndsAt: now + cooldownMs,
      dailyDrawdown: dailyDrawdown ?? this.state.dailyDrawdown,
      tripCount: this.state.tripCount + 1,
      lastTripTime: now,
    };
    this.cooldown = setTimeout(() => {
      this.cooldown = undefined;
      if (this.state.active && this.state.type === 'SOFT') {
        this.clear();
        this.onCooldownEnd(reason);
      }
    }, cooldownMs);
    this.cooldown.unref();
    return true;
  }

  /** Returns whether it was active (reset of an inactive breaker is a no-op, like CircuitBreaker.reset). */
  reset(): boolean {
    if (!this.state.active) return false;
    this.clearCooldown();
    this.clear();
    return true;
  }

  dispose(): void {
    this.clearCooldown();
  }

  private clear(): void {
    this.state = {
      ...this.state,
      active: false,
      type: undefined,
      action: 'NONE',
      reason: undefined,
      triggeredAt: undefined,
      cooldownEndsAt: undefined,
      dailyDrawdown: 0,
      lastReset: Date.now(),
    };
  }

  private clearCooldown(): void {
    if (this.cooldown) clearTimeout(this.cooldown);
    this.cooldown = undefined;
  }
}
