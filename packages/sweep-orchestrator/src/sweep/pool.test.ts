import { describe, expect, it } from 'vitest';
import { createLimiter } from './pool.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createLimiter', () => {
  it.each([1, 2, 8])('never runs more than %i tasks at once and keeps submission order', async (size) => {
    const limit = createLimiter(size);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        limit(async () => {
          started.push(i);
          running += 1;
          peak = Math.max(peak, running);
          await tick(5);
          running -= 1;
          return i * 2;
        }),
      ),
    );
    expect(peak).toBe(Math.min(size, 12));
    expect(started).toEqual([...started].sort((a, b) => a - b));
    expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
  });

  it('passes a rejection to its caller and goes on with the next task', async () => {
    const limit = createLimiter(1);
    const failed = limit(() => Promise.reject(new Error('boom')));
    const ok = limit(() => Promise.resolve('after'));
    await expect(failed).rejects.toThrow('boom');
    await expect(ok).resolves.toBe('after');
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
