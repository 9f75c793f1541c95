import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionSpec } from '../config/index.js';
import { groupHasLiveMembers } from '../internal/process-group.js';
import { startRedisServer } from '@canon/testkit';
import { openQueueClient, type QueueClient } from './client.js';
import { QueueError } from './errors.js';
import { jobIdOf } from './job.js';
import { connectRedis, waitReady } from './redis.js';
import { createQueueFixture, FAST, groupGoneWithin, PASSWORD, until, type QueueFixture } from '../testing/queue-fixture.js';

let fx: QueueFixture;
const clients: QueueClient[] = [];

beforeAll(async () => {
  fx = await createQueueFixture(['app-1', 'app-2', 'app-3', 'app-4', 'app-5', 'app-6', 'app-7']);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await fx.close();
});

async function clientFor(queue: string): Promise<QueueClient> {
  const { resolved } = await fx.config(queue);
  const client = await openQueueClient({ execution: resolved.execution, pollMs: 250 });
  clients.push(client);
  return client;
}

/** A plain connection to the fixture's Redis, for looking at and tampering with BullMQ's keys. */
async function rawRedis() {
  const spec = { url: fx.redis.url, password: PASSWORD, tls: false };
  const handle = await connectRedis(spec, 'command');
  await waitReady(handle, spec, 5000);
  return handle.redis;
}

/** The worker's stderr reaches this process through a pipe, a moment after the worker acted. */
async function saidSoon(worker: { stderr: () => string }, text: string): Promise<void> {
  await until(() => worker.stderr().includes(text), 5000, () => `worker never said ${JSON.stringify(text)}:\n${worker.stderr()}`);
}

/** The worker's grace is 1 s (fixture); SPEC allows killGraceSeconds + 5 s for the group to be gone. */
const GONE_MS = 1000 + 5000;

describe('queue mode when things go wrong', () => {
  it("a SIGKILLed worker's job finishes on another worker; its orphaned group is reaped when that host's worker restarts", async () => {
    await fx.behave('app-1', 'hang,ok');
    const a = await fx.startWorker('q-kill', 'kill-a');
    const client = await clientFor('q-kill');
    const pending = client.enqueueTest(fx.job('app-1', 'run-kill'), { killGraceSeconds: 1 });
    const [first] = await fx.waitForCalls('app-1', 1);
    if (first === undefined) throw new Error('no call');
    a.child.kill('SIGKILL');
    await a.exited;
    // NOTES: nothing ends a killed worker's test but its own host.
    expect(groupHasLiveMembers(first.pid)).toBe(true);

    const b = await fx.startWorker('q-kill', 'kill-b');
    const outcome = await pending;
    if (outcome.kind !== 'result' || outcome.result.status !== 'ran') throw new Error(JSON.stringify(outcome));
    expect(outcome.result.exitCode).toBe(0);
    expect(outcome.result.logPath.startsWith(b.stateDir)).toBe(true);
    expect(await fx.calls('app-1')).toHaveLength(2);

    const restarted = await fx.startWorker('q-kill', 'kill-a');
    expect(await groupGoneWithin(first.pid, GONE_MS)).toBeLessThan(GONE_MS);
    await saidSoon(restarted, `ended 1 process group(s) a previous worker left behind: ${first.pid}`);
  }, 180_000);

  it('cancel: an active test group is gone within killGraceSeconds + 5 s, a waiting job is removed unrun', async () => {
    await fx.behave('app-2', 'hang-ignore-term');
    await fx.startWorker('q-cancel', 'cancel-w');
    const client = await clientFor('q-cancel');
    const controller = new AbortController();
    const running = fx.job('app-2', 'run-cancel');
    const waiting = fx.job('app-3', 'run-cancel');
    const first = client.enqueueTest(running, { signal: controller.signal, killGraceSeconds: 1 });
    const [call] = await fx.waitForCalls('app-2', 1);
    if (call === undefined) throw new Error('no call');
    const second = client.enqueueTest(waiting, { signal: controller.signal, killGraceSeconds: 1 });
    const redis = await rawRedis();
    try {
      // The second job is in the queue (the worker's only slot is busy) before the abort.
      for (let i = 0; i < 100 && (await redis.exists(`bull:q-cancel:${jobIdOf(waiting)}`)) === 0; i++) await new Promise((r) => setTimeout(r, 50));
      controller.abort();
      expect(await first).toEqual({ kind: 'cancelled', jobId: jobIdOf(running) });
      expect(await second).toEqual({ kind: 'cancelled', jobId: jobIdOf(waiting) });
      expect(await groupGoneWithin(call.pid, GONE_MS)).toBeLessThan(GONE_MS);
      expect(await redis.exists(`bull:q-cancel:${jobIdOf(waiting)}`)).toBe(0);
      expect(await fx.calls('app-3')).toEqual([]);

      // A cancelled test has no verdict: the restarted sweep runs it again instead of adopting it.
      await fx.behave('app-2', 'ok');
      const again = await client.enqueueTest(fx.job('app-2', 'run-restart'), { adoptFrom: ['run-cancel'], killGraceSeconds: 1 });
      expect(again).toMatchObject({ kind: 'result', adopted: false, result: { status: 'ran', exitCode: 0 } });
      expect(await fx.calls('app-2')).toHaveLength(2);
    } finally {
      redis.disconnect();
    }
  }, 120_000);

  it('a finished job is adopted by id by a restarted sweep, not re-run; a run that was not interrupted runs its own', async () => {
    await fx.behave('app-4', 'ok');
    await fx.startWorker('q-adopt', 'adopt-w');
    const first = await (await clientFor('q-adopt')).enqueueTest(fx.job('app-4', 'run-a'), { killGraceSeconds: 1 });
    expect(first).toMatchObject({ kind: 'result', adopted: false });

    const restarted = await clientFor('q-adopt');
    const adopted = await restarted.enqueueTest(fx.job('app-4', 'run-b'), { adoptFrom: ['run-a'], killGraceSeconds: 1 });
    expect(adopted).toEqual({ ...first, adopted: true });
    expect(await fx.calls('app-4')).toHaveLength(1);

    const fresh = await restarted.enqueueTest(fx.job('app-4', 'run-c'), { killGraceSeconds: 1 });
    expect(fresh).toMatchObject({ kind: 'result', adopted: false, jobId: jobIdOf(fx.job('app-4', 'run-c')) });
    expect(await fx.calls('app-4')).toHaveLength(2);
  }, 120_000);

  it('a worker that loses its job lock kills that test at once; the job then runs again', async () => {
    await fx.behave('app-5', 'hang-ignore-term,ok');
    const worker = await fx.startWorker('q-lock', 'lock-w');
    const client = await clientFor('q-lock');
    const job = fx.job('app-5', 'run-lock');
    const pending = client.enqueueTest(job, { killGraceSeconds: 1 });
    const [call] = await fx.waitForCalls('app-5', 1);
    if (call === undefined) throw new Error('no call');
    const redis = await rawRedis();
    try {
      expect(await redis.del(`bull:q-lock:${jobIdOf(job)}:lock`)).toBe(1);
    } finally {
      redis.disconnect();
    }
    // SIGKILL, no grace: the test ignores SIGTERM, so only the fence can end it this fast.
    expect(await groupGoneWithin(call.pid, FAST.lockSeconds * 1000)).toBeLessThan(FAST.lockSeconds * 1000);
    await saidSoon(worker, `${jobIdOf(job)}: lock lost`);
    const outcome = await pending;
    expect(outcome).toMatchObject({ kind: 'result', result: { status: 'ran', exitCode: 0 } });
    expect(await fx.calls('app-5')).toHaveLength(2);
  }, 120_000);

  it('a worker whose lock renewals stall (Redis paused) kills its test once the lock has expired', async () => {
    await fx.behave('app-3', 'hang-ignore-term,ok');
    const worker = await fx.startWorker('q-pause', 'pause-w');
    const client = await clientFor('q-pause');
    const job = fx.job('app-3', 'run-pause');
    const pending = client.enqueueTest(job, { killGraceSeconds: 1 });
    const [call] = await fx.waitForCalls('app-3', 1);
    if (call === undefined) throw new Error('no call');
    fx.redis.pause();
    let goneMs: number;
    try {
      goneMs = await groupGoneWithin(call.pid, FAST.lockSeconds * 1000 + 5000);
    } finally {
      fx.redis.resume();
    }
    expect(goneMs).toBeLessThan(FAST.lockSeconds * 1000 + 5000);
    await saidSoon(worker, `${jobIdOf(job)}: lock lost (not renewed for`);
    // Once Redis answers again, BullMQ's stall check hands the job out again: at-least-once.
    expect(await pending).toMatchObject({ kind: 'result', result: { status: 'ran', exitCode: 0 } });
    expect(await fx.calls('app-3')).toHaveLength(2);
  }, 120_000);

  it('a job that loses its worker more than maxStalls times ends "worker lost"', async () => {
    await fx.behave('app-6', 'hang');
    const noStalls = { execution: { mode: 'queue', redis: { url: fx.redis.url, passwordFile: fx.passwordFile }, queue: 'q-lost', ...FAST, maxStalls: 0 } };
    const a = await fx.startWorker('q-lost', 'lost-a', { extra: noStalls });
    const client = await clientFor('q-lost');
    const pending = client.enqueueTest(fx.job('app-6', 'run-lost'), { killGraceSeconds: 1 });
    await fx.waitForCalls('app-6', 1);
    a.child.kill('SIGKILL');
    await a.exited;
    await fx.startWorker('q-lost', 'lost-b', { extra: noStalls });
    const outcome = await pending;
    expect(outcome.kind).toBe('worker-lost');
    expect(outcome.kind === 'worker-lost' ? outcome.detail : '').toMatch(/^worker lost: /);
    expect(await fx.calls('app-6')).toHaveLength(1);
  }, 120_000);

  it('SIGTERM of a worker ends its test, hands the job back and exits 0; another worker runs it', async () => {
    await fx.behave('app-7', 'hang,ok');
    const a = await fx.startWorker('q-term', 'term-a');
    const client = await clientFor('q-term');
    const pending = client.enqueueTest(fx.job('app-7', 'run-term'), { killGraceSeconds: 1 });
    const [call] = await fx.waitForCalls('app-7', 1);
    if (call === undefined) throw new Error('no call');
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(groupHasLiveMembers(call.pid)).toBe(false);
    const b = await fx.startWorker('q-term', 'term-b');
    const outcome = await pending;
    if (outcome.kind !== 'result' || outcome.result.status !== 'ran') throw new Error(JSON.stringify(outcome));
    expect(outcome.result.exitCode).toBe(0);
    expect(outcome.result.logPath.startsWith(b.stateDir)).toBe(true);
  }, 120_000);

  it('Redis stopped: a waiting call ends with REDIS_UNREACHABLE in bounded time, and so does opening a client', async () => {
    const redis = await startRedisServer();
    const execution: ExecutionSpec = {
      mode: 'queue', redis: { url: redis.url, password: null, tls: false }, queue: 'q-down', ...FAST,
    };
    const bounds = { connectTimeoutMs: 2000, giveUpMs: 3000 };
    const client = await openQueueClient({ execution, bounds, pollMs: 250 });
    try {
      const pending = client.enqueueTest(fx.job('app-1', 'run-down'), { killGraceSeconds: 1 });
      await new Promise((r) => setTimeout(r, 500));
      const stoppedAt = Date.now();
      await redis.kill();
      const error = await pending.then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(QueueError);
      expect((error as QueueError).code).toBe('REDIS_UNREACHABLE');
      expect(Date.now() - stoppedAt).toBeLessThan(bounds.giveUpMs + 10_000);

      const openedAt = Date.now();
      const refused = await openQueueClient({ execution, bounds }).then(() => null, (e: unknown) => e);
      expect((refused as QueueError).code).toBe('REDIS_UNREACHABLE');
      expect((refused as QueueError).message).toContain(redis.url);
      expect(Date.now() - openedAt).toBeLessThan(bounds.connectTimeoutMs + bounds.giveUpMs + 5000);
    } finally {
      await client.close();
      await redis.stop();
    }
  }, 60_000);

  it('Redis that stops answering on an open connection: the waiting call still ends with REDIS_UNREACHABLE', async () => {
    const redis = await startRedisServer();
    const execution: ExecutionSpec = {
      mode: 'queue', redis: { url: redis.url, password: null, tls: false }, queue: 'q-paused', ...FAST,
    };
    const bounds = { connectTimeoutMs: 1000, giveUpMs: 2000 };
    const client = await openQueueClient({ execution, bounds, pollMs: 250 });
    try {
      const pending = client.enqueueTest(fx.job('app-1', 'run-paused'), { killGraceSeconds: 1 });
      await new Promise((r) => setTimeout(r, 500));
      const pausedAt = Date.now();
      redis.pause();
      const error = await pending.then(() => null, (e: unknown) => e);
      expect((error as QueueError).code).toBe('REDIS_UNREACHABLE');
      expect(Date.now() - pausedAt).toBeLessThan(bounds.connectTimeoutMs + bounds.giveUpMs + 10_000);
    } finally {
      redis.resume();
      await client.close();
      await redis.stop();
    }
  }, 60_000);
});
