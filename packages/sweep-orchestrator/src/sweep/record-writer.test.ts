import { describe, expect, it } from 'vitest';
import { createRecordWriter } from './record-writer.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('createRecordWriter', () => {
  it('coalesces a burst of changes into one write per interval', async () => {
    let writes = 0;
    const writer = createRecordWriter(async () => void (writes += 1), { intervalMs: 50, onError: () => undefined });
    for (let i = 0; i < 100; i += 1) await writer.changed();
    expect(writes).toBeLessThanOrEqual(1);
    await sleep(80);
    expect(writes).toBe(1);
    await writer.flush();
    expect(writes).toBe(1);
  });

  it('writes an urgent change before resolving', async () => {
    const seen: number[] = [];
    let state = 0;
    const writer = createRecordWriter(async () => void seen.push(state), { intervalMs: 10_000, onError: () => undefined });
    state = 1;
    await writer.changed();
    state = 2;
    await writer.changed(true);
    expect(seen).toEqual([2]);
  });

  it('flush writes what is pending, and nothing when nothing is', async () => {
    let writes = 0;
    const writer = createRecordWriter(async () => void (writes += 1), { intervalMs: 10_000, onError: () => undefined });
    await writer.flush();
    expect(writes).toBe(0);
    await writer.changed();
    await writer.flush();
    expect(writes).toBe(1);
  });

  it('reports a failed write to the caller and keeps writing later changes', async () => {
    let fail = true;
    let writes = 0;
    const writer = createRecordWriter(
      async () => {
        if (fail) throw new Error('ENOSPC');
        writes += 1;
      },
      { intervalMs: 10_000, onError: () => undefined },
    );
    await expect(writer.changed(true)).rejects.toThrow('ENOSPC');
    fail = false;
    await writer.changed(true);
    expect(writes).toBe(1);
  });

  it('hands a failed timed write to onError', async () => {
    const errors: unknown[] = [];
    const writer = createRecordWriter(async () => Promise.reject(new Error('EROFS')), { intervalMs: 1, onError: (e) => errors.push(e) });
    await writer.changed();
    await sleep(30);
    expect(errors).toHaveLength(1);
  });
});
