import { readFile, rm, mkdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LockedError } from './errors.js';
import { useTempDirs } from './testing/fixtures.js';
import { startWorker, type Worker } from './testing/processes.js';
import { bundleWorker } from './testing/worker-bundle.js';
import { acquireAppLock, acquireSweepLock } from './locks.js';

const tempDir = useTempDirs();
let bundle: Awaited<ReturnType<typeof bundleWorker>>;
const workers: Worker[] = [];
beforeAll(async () => {
  bundle = await bundleWorker();
});
afterAll(() => bundle.dispose());
afterEach(async () => {
  for (const w of workers.splice(0)) w.child.kill('SIGKILL');
});

async function lockServer(
  stateDir: string,
  staleSeconds: number,
  kind: 'sweep' | 'app' = 'sweep',
): Promise<Worker> {
  const worker = startWorker(bundle.path, ['lock-server', stateDir, String(staleSeconds), kind]);
  workers.push(worker);
  expect(await worker.next(30_000)).toMatchObject({ ready: true });
  return worker;
}

async function lockedError(promise: Promise<unknown>): Promise<LockedError> {
  const error = await promise.then(
    () => new Error('expected LockedError, got the lock'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LockedError);
  return error as LockedError;
}

describe('sweep lock across processes', () => {
  it('10 processes race 20 rounds: exactly one wins, every loser names the winner', async () => {
    const stateDir = await tempDir();
    const racers = await Promise.all(Array.from({ length: 10 }, () => lockServer(stateDir, 120)));
    for (let round = 0; round < 20; round++) {
      racers.forEach((w, i) => w.send(`try round${round}-racer${i}`));
      const answers = await Promise.all(racers.map((w) => w.next()));
      const winners = answers.filter((a) => a.ok === true);
      expect(winners).toHaveLength(1);
      const winner = winners[0] as { pid: number; runId: string };
      for (const loser of answers.filter((a) => a.ok !== true)) {
        expect(loser).toMatchObject({
          code: 'LOCKED',
          holder: { pid: winner.pid, runId: winner.runId, host: hostname() },
        });
        expect(loser.message).toContain(String(winner.pid));
      }
      const holder = racers.find((w) => w.pid === winner.pid) as Worker;
      holder.send('release');
      expect(await holder.next()).toMatchObject({ released: true });
    }
  }, 120_000);

  it('the holder describes itself as the sweep moves on', async () => {
    const stateDir = await tempDir();
    const holder = await lockServer(stateDir, 120);
    holder.send('try run-a');
    expect(await holder.next()).toMatchObject({ ok: true });
    holder.send('describe gitea test');
    expect(await holder.next()).toMatchObject({ described: true });
    const error = await lockedError(
      acquireSweepLock({ stateDir, runId: 'run-b', staleSeconds: 120 }),
    );
    expect(error.data).toMatchObject({
      lockPath: join(stateDir, 'sweep.lock'),
      holder: { pid: holder.pid, runId: 'run-a', recipe: 'gitea', phase: 'test', host: hostname() },
    });
    expect(error.message).toMatch(/pid \d+ .*run run-a.*recipe gitea, phase test/);
  });

  it('a SIGKILLed holder stops blocking within lockStaleSeconds', async () => {
    const stateDir = await tempDir();
    const staleSeconds = 2;
    const holder = await lockServer(stateDir, staleSeconds);
    holder.send('try run-dead');
    expect(await holder.next()).toMatchObject({ ok: true });
    holder.child.kill('SIGKILL');
    await holder.exited;
    const killedAt = Date.now();
    const first = await lockedError(
      acquireSweepLock({ stateDir, runId: 'run-next', staleSeconds }),
    );
    expect(first.data.holder?.pid).toBe(holder.pid);
    let lock = null;
    while (!lock) {
      lock = await acquireSweepLock({ stateDir, runId: 'run-next', staleSeconds }).catch(
        (e: unknown) => {
          if (!(e instanceof LockedError)) throw e;
          return null;
        },
      );
      if (!lock) await sleep(100);
    }
    const waited = Date.now() - killedAt;
    // Slack for a loaded machine: each attempt is a few file system calls plus the poll interval.
    expect(waited).toBeLessThanOrEqual(staleSeconds * 1000 + 1500);
    expect(
      JSON.parse(await readFile(join(stateDir, 'sweep.lock.holder.json'), 'utf8')),
    ).toMatchObject({ pid: process.pid, runId: 'run-next' });
    await lock.release();
  }, 30_000);

  it('a SIGTERMed holder releases at once', async () => {
    const stateDir = await tempDir();
    const holder = await lockServer(stateDir, 120);
    holder.send('try run-a');
    expect(await holder.next()).toMatchObject({ ok: true });
    holder.child.kill('SIGTERM');
    expect((await holder.exited).signal).toBe('SIGTERM');
    const lock = await acquireSweepLock({ stateDir, runId: 'run-b', staleSeconds: 120 });
    await lock.release();
  });

  it('app locks are per domain and describe their holder', async () => {
    const stateDir = await tempDir();
    const holder = await lockServer(stateDir, 120, 'app');
    holder.send('try run-a');
    expect(await holder.next()).toMatchObject({ ok: true });
    const error = await lockedError(
      acquireAppLock({
        stateDir,
        domain: 'warm-gitea.ci.example.org',
        runId: 'run-b',
        staleSeconds: 120,
      }),
    );
    expect(error.data.holder).toMatchObject({ pid: holder.pid, runId: 'run-a', recipe: 'gitea' });
    const other = await acquireAppLock({
      stateDir,
      domain: 'warm-keycloak.ci.example.org',
      runId: 'run-b',
      staleSeconds: 120,
    });
    await other.release();
    holder.send('release');
    expect(await holder.next()).toMatchObject({ released: true });
    const mine = await acquireAppLock({
      stateDir,
      domain: 'warm-gitea.ci.example.org',
      runId: 'run-b',
      staleSeconds: 120,
    });
    await mine.release();
  });
});

describe('sweep lock with a wait', () => {
  it('waits for a holder process to release, then takes the lock', async () => {
    const stateDir = await tempDir();
    const holder = await lockServer(stateDir, 120);
    holder.send('try run-weekly-blocker');
    expect(await holder.next()).toMatchObject({ ok: true });
    const t0 = Date.now();
    const waiting = acquireSweepLock({
      stateDir,
      runId: 'run-timer',
      staleSeconds: 120,
      waitSeconds: 60,
    });
    await sleep(1000);
    holder.send('release');
    expect(await holder.next()).toMatchObject({ released: true });
    const lock = await waiting;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(
      JSON.parse(await readFile(join(stateDir, 'sweep.lock.holder.json'), 'utf8')),
    ).toMatchObject({ pid: process.pid, runId: 'run-timer' });
    await lock.release();
  });

  it('gives up after waitSeconds with LockedError naming the holder', async () => {
    const stateDir = await tempDir();
    const holder = await lockServer(stateDir, 120);
    holder.send('try run-long');
    expect(await holder.next()).toMatchObject({ ok: true });
    const t0 = Date.now();
    const error = await lockedError(
      acquireSweepLock({ stateDir, runId: 'run-timer', staleSeconds: 120, waitSeconds: 1.5 }),
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    expect(error.data.holder).toMatchObject({ pid: holder.pid, runId: 'run-long' });
  });

  it('an aborted wait ends early with LockedError', async () => {
    const stateDir = await tempDir();
    const holder = await lockServer(stateDir, 120);
    holder.send('try run-long');
    expect(await holder.next()).toMatchObject({ ok: true });
    const t0 = Date.now();
    const error = await lockedError(
      acquireSweepLock({
        stateDir,
        runId: 'run-timer',
        staleSeconds: 120,
        waitSeconds: 60,
        signal: AbortSignal.timeout(500),
      }),
    );
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(error.data.holder?.pid).toBe(holder.pid);
  });
});

describe('sweep lock in one process', () => {
  it('reports a lost lock through onCompromised, never as an uncaught exception', async () => {
    const stateDir = await tempDir();
    const lost: Error[] = [];
    const lock = await acquireSweepLock({
      stateDir,
      runId: 'run-a',
      staleSeconds: 2,
      onCompromised: (e) => lost.push(e),
    });
    // Another party removes the lock directory, as a stale takeover by someone else would.
    await rm(join(stateDir, 'sweep.lock.lock'), { recursive: true });
    await mkdir(join(stateDir, 'sweep.lock.lock'));
    const deadline = Date.now() + 5000;
    while (lost.length === 0 && Date.now() < deadline) await sleep(100);
    expect(lost).toHaveLength(1);
    expect(lock.compromised).toBe(lost[0]);
    await expect(lock.describe({ recipe: 'gitea', phase: 'test' })).rejects.toMatchObject({
      code: 'LOCK_COMPROMISED',
    });
    await lock.release();
    expect((await stat(join(stateDir, 'sweep.lock.lock'))).isDirectory()).toBe(true);
  });

  it('a throwing onCompromised handler becomes a warning, not a crash', async () => {
    const stateDir = await tempDir();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const lock = await acquireSweepLock({
        stateDir,
        runId: 'run-a',
        staleSeconds: 2,
        onCompromised: () => {
          throw new Error('handler bug');
        },
      });
      await rm(join(stateDir, 'sweep.lock.lock'), { recursive: true });
      const deadline = Date.now() + 5000;
      while (!lock.compromised && Date.now() < deadline) await sleep(100);
      await sleep(50);
      expect(lock.compromised).not.toBeNull();
      expect(warnings.join('\n')).toContain('handler bug');
      await lock.release();
    } finally {
      process.off('warning', onWarning);
    }
  });
});
