import { useEffect, useState } from 'react';
import { useApp } from '../ui/context.js';
import { type BreakerView, breakerFreshUntil, breakerView } from '../state/breaker.js';

/**
 * The breaker as it may be shown now (state/breaker.ts). Re-renders only when what it shows changes:
 * a new value, the reading going stale (one timer at the moment it does), or a stale reading's time.
 * A fresh /status reading every 2 s only re-arms that timer; it draws nothing.
 */
export function useBreakerView(): BreakerView {
  const { rt } = useApp();
  const maxAge = rt.config.probes.breakerMaxAgeMs;
  const [view, setView] = useState(() => breakerView(rt.store.getState(), Date.now(), maxAge));
  useEffect(() => {
    const read = () => breakerView(rt.store.getState(), Date.now(), maxAge);
    let timer: NodeJS.Timeout | undefined;
    const check = () => {
      clearTimeout(timer);
      const next = read();
      setView((prev) => (sameView(prev, next) ? prev : next));
      const until = breakerFreshUntil(rt.store.getState(), maxAge);
      if (until !== null && until > Date.now()) timer = setTimeout(check, until - Date.now() + 5);
    };
    check();
    const unsubscribe = rt.store.subscribe((s, p) => {
      if (s.breaker !== p.breaker || s.confirmed.breakerDataAt !== p.confirmed.breakerDataAt) check();
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [rt, maxAge]);
  return view;
}

/** Equal for display: fresh views differ by value or source only (their age is not shown). */
function sameView(a: BreakerView, b: BreakerView): boolean {
  if (a.state !== b.state) return false;
  if (a.state === 'unknown' && b.state === 'unknown') return a.why === b.why && a.last?.status === b.last?.status;
  if (a.state !== 'unknown' && b.state !== 'unknown') return a.status === b.status && a.source === b.source;
  return false;
}
