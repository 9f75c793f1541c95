import { postRaw } from '@canon/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from './server.js';
import { startTestListener, type TestListener } from './test-listener.js';

let t: TestListener | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const MiB = 1 << 20;

describe('the memory oversized uploads leave behind', () => {
  it('48 streamed uploads over 1 MiB never hold 12 MiB of buffers (V8 alone lets 32 MB of dead pieces pile up)', async () => {
    t = await startTestListener();
    const hookUrl = t.hookUrl;
    const big = Buffer.alloc(BODY_LIMIT_BYTES + 1, 0x20);
    const statuses: number[] = [];
    let peak = 0;
    const uploads = async (): Promise<void> => {
      for (let i = 0; i < 12; i += 1) {
        statuses.push((await postRaw(hookUrl, { 'transfer-encoding': 'chunked', 'x-gitea-event': 'create' }, big)).status);
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      }
    };
    await Promise.all([uploads(), uploads(), uploads(), uploads()]);
    expect(statuses).toEqual(Array.from({ length: 48 }, () => 413));
    expect(peak).toBeLessThan(12 * MiB);
  }, 60_000);
});
