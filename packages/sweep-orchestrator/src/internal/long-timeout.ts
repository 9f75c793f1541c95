/** Node fires a timer longer than this (about 24.8 days) at once, with a warning. */
export const MAX_TIMER_MS = 2_147_483_647;

export type LongTimeout = { clear: () => void };

/**
 * setTimeout for any duration canon accepts (`*Seconds` up to 2,000,000): longer waits are
 * chained through timers Node can hold. Like setTimeout, the pending timer keeps the process alive.
 */
export function longTimeout(ms: number, fire: () => void, now: () => number = () => performance.now()): LongTimeout {
  const endsAt = now() + Math.max(0, ms);
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = endsAt - now();
    if (left > MAX_TIMER_MS) timer = setTimeout(arm, MAX_TIMER_MS);
    else timer = setTimeout(fire, Math.max(0, left));
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}

/** `timers/promises` sleep for any duration canon accepts; rejects with the signal's reason on abort. */
export function longSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      timer.clear();
      reject(signal?.reason as Error);
    };
    const timer = longTimeout(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
