import { describe, expect, it } from 'vitest';
import { longTimeout, MAX_TIMER_MS } from './long-timeout.js';

describe('longTimeout', () => {
  it('does not fire early for 30 days: it chains timers Node can hold', async () => {
    // A clock that jumps ahead by one maximal timer each time a chained timer fires.
    let clock = 0;
    let fired = false;
    const thirtyDays = 30 * 24 * 3600 * 1000;
    const armed: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    globalThis.setTimeout = ((fn: () => void, ms: number) => {
      armed.push(ms);
      clock += ms;
      return realSetTimeout(fn, 0);
    }) as typeof setTimeout;
    try {
      longTimeout(thirtyDays, () => (fired = true), () => clock);
      while (!fired) await new Promise((resolve) => realSetTimeout(resolve, 1));
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    expect(armed.every((ms) => ms <= MAX_TIMER_MS)).toBe(true);
    expect(armed.length).toBe(Math.ceil(thirtyDays / MAX_TIMER_MS));
    expect(clock).toBe(thirtyDays);
  });

  it('fires a short wait once, and never after clear()', async () => {
    let count = 0;
    longTimeout(20, () => count++);
    const cleared = longTimeout(20, () => count++);
    cleared.clear();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(count).toBe(1);
  });

  it('keeps a 2,000,000 s timer pending instead of firing it at once', async () => {
    let fired = false;
    const t = longTimeout(2_000_000 * 1000, () => (fired = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    t.clear();
    expect(fired).toBe(false);
  });
});
