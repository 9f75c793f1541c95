import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { budget } from './promote-steps.js';

describe('promote budget', () => {
  // 2,000,000 s (the config's bound) still fits one Node timer; 2,500,000 s does not, and a
  // plain setTimeout would fire at once: the budget must not depend on where the bound sits.
  it.each([2_000_000, 2_500_000])('is not used up at once by a budget of %d s', async (seconds) => {
    const b = budget(seconds, undefined);
    await sleep(300);
    expect(b.signal.aborted).toBe(false);
    b.dispose();
  });

  it('still ends a short budget on time', async () => {
    const b = budget(0.05, undefined);
    await sleep(300);
    expect(b.signal.aborted).toBe(true);
    b.dispose();
  });
});
