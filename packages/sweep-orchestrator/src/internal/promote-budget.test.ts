import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { budget } from './promote-steps.js';

describe('promote budget', () => {
  it('is not used up at once by promote.timeoutSeconds at its 2,000,000 s bound', async () => {
    const b = budget(2_000_000, undefined);
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
