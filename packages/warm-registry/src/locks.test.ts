import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockedError } from './errors.js';
import { useTempDirs } from './testing/fixtures.js';
import { acquireSweepLock, readSweepLock } from './locks.js';

const tempDir = useTempDirs();

it('creates sweep.lock, describes the holder, refuses a second taker and frees on release', async () => {
  const stateDir = await tempDir();
  const lock = await acquireSweepLock({ stateDir, runId: 'run-a', staleSeconds: 120 });
  expect((await stat(join(stateDir, 'sweep.lock'))).isFile()).toBe(true);
  await lock.describe({ recipe: 'gitea', phase: 'sync' });
  expect(
    JSON.parse(await readFile(join(stateDir, 'sweep.lock.holder.json'), 'utf8')),
  ).toMatchObject({
    pid: process.pid,
    runId: 'run-a',
    recipe: 'gitea',
    phase: 'sync',
  });
  const second = await acquireSweepLock({ stateDir, runId: 'run-b', staleSeconds: 120 }).catch(
    (e: unknown) => e,
  );
  expect(second).toBeInstanceOf(LockedError);
  expect((second as LockedError).data.holder).toMatchObject({ pid: process.pid, runId: 'run-a' });
  await lock.release();
  await expect(stat(join(stateDir, 'sweep.lock.holder.json'))).rejects.toMatchObject({
    code: 'ENOENT',
  });
  await (await acquireSweepLock({ stateDir, runId: 'run-b', staleSeconds: 120 })).release();
});

it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
  'refuses staleSeconds %s before touching the lock',
  async (staleSeconds) => {
    const stateDir = await tempDir();
    await expect(
      acquireSweepLock({ stateDir, runId: 'run-a', staleSeconds }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(stat(join(stateDir, 'sweep.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  },
);

describe('readSweepLock', () => {
  it('says who sweeps right now without taking the lock, and null once the sweep is done', async () => {
    const stateDir = await tempDir();
    expect(await readSweepLock({ stateDir, staleSeconds: 120 })).toBeNull();
    const lock = await acquireSweepLock({ stateDir, runId: 'run-a', staleSeconds: 120 });
    await lock.describe({ recipe: 'gitea', phase: 'test' });
    expect(await readSweepLock({ stateDir, staleSeconds: 120 })).toMatchObject({ holder: { runId: 'run-a', recipe: 'gitea', phase: 'test', pid: process.pid } });
    await lock.release();
    expect(await readSweepLock({ stateDir, staleSeconds: 120 })).toBeNull();
  });
});
