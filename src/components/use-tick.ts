import { useEffect, useState } from 'react';

/** Re-renders at each multiple of `periodMs` (aligned, so panes that tick together draw one frame). */
export function useTick(periodMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    let t: NodeJS.Timeout;
    const arm = () => {
      t = setTimeout(
        () => {
          setNow(Date.now());
          arm();
        },
        periodMs - (Date.now() % periodMs) + 5,
      );
    };
    arm();
    return () => clearTimeout(t);
  }, [periodMs]);
  return now;
}
