import { setTimeout as sleep } from 'node:timers/promises';
import type { Job, Queue, QueueEvents } from 'bullmq';
import type { ExecutionSpec, RedisSpec } from '../config/index.js';
import { QueueError } from './errors.js';
import {
  cancelChannelOf, cancelMarkerOf, jobIdOf, queueNameOf, testJobResultSchema, testJobSchema,
  type QueuedTestOutcome, type TestJob, type TestJobResult,
} from './job.js';
import { connectRedis, DEFAULT_BOUNDS, unreachable, waitReady, type RedisBounds, type RedisHandle } from './redis.js';

export type QueueClientOptions = {
  execution: ExecutionSpec;
  bounds?: RedisBounds;
  /** How often a waiting call re-reads its job (events usually arrive first). */
  pollMs?: number;
  /** A waiting job whose queue has had no worker at all for this long is withdrawn (default 5 min). */
  noWorkerMs?: number;
};

export type EnqueueOptions = {
  signal?: AbortSignal;
  /** Run ids of interrupted runs whose finished (or still running) job for this key is taken over instead of a new run. */
  adoptFrom?: readonly string[];
  /** The sweep's grace period: part of the bound on how long an active job may stay silent. */
  killGraceSeconds: number;
};

export type QueueClient = {
  /** Enqueues one test and waits for its outcome; Redis lost for longer than the bound → QueueError REDIS_UNREACHABLE. */
  enqueueTest(job: TestJob, opts: EnqueueOptions): Promise<QueuedTestOutcome>;
  close(): Promise<void>;
};

/** Finished jobs are kept this long so a sweep restarted after a crash can adopt them. */
const KEEP_SECONDS = 14 * 24 * 3600;
const CANCEL_MARKER_SECONDS = 24 * 3600;
const STALLED_TOO_OFTEN = /stalled more than allowable limit/;
/** Listing a queue's workers asks Redis for its client list: not on every poll. */
const WORKER_CHECK_MS = 5000;

export async function openQueueClient(opts: QueueClientOptions): Promise<QueueClient> {
  const spec = opts.execution.redis;
  if (spec === null) {
    throw new QueueError('NOT_CONFIGURED', { detail: 'execution.mode "queue" needs execution.redis, and the config has none' });
  }
  const bounds = opts.bounds ?? DEFAULT_BOUNDS;
  const pollMs = opts.pollMs ?? 1000;
  // Loaded on use, not with the module: see connectRedis.
  const { Queue, QueueEvents } = await import('bullmq');
  const command = await connectRedis(spec, 'command', bounds);
  try {
    await waitReady(command, spec, bounds.connectTimeoutMs);
  } catch (error) {
    command.redis.disconnect();
    throw error;
  }
  type Opened = { queue: Queue; events: QueueEvents; blocking: RedisHandle };
  // Promises, so that two tests enqueued at once on a new queue share one set of connections.
  const queues = new Map<string, Promise<Opened>>();
  const wakers = new Map<string, Set<() => void>>();
  const wake = ({ jobId }: { jobId: string }) => {
    for (const w of wakers.get(jobId) ?? []) w();
  };
  const openQueue = async (name: string): Promise<Opened> => {
    // Errors surface through the polls, which know the bound; events only make waits shorter.
    const queue = new Queue(name, { connection: command.redis });
    queue.on('error', () => undefined);
    // A blocking read holds its connection: each queue's events need their own.
    const blocking = await connectRedis(spec, 'blocking', bounds);
    const events = new QueueEvents(name, { connection: blocking.redis });
    events.on('error', () => undefined);
    events.on('completed', wake);
    events.on('failed', wake);
    return { queue, events, blocking };
  };
  const queueOf = async (name: string): Promise<Queue> => {
    let entry = queues.get(name);
    if (entry === undefined) {
      entry = openQueue(name);
      queues.set(name, entry);
    }
    return (await entry).queue;
  };
  const ctx: WaitContext = { spec, bounds, pollMs, noWorkerMs: opts.noWorkerMs ?? 300_000, command, wakers, execution: opts.execution };

  return {
    async enqueueTest(input, enqueue) {
      const job = parseJob(input);
      const name = queueNameOf(opts.execution.queue, job.pool);
      const queue = await queueOf(name);
      const jobId = jobIdOf(job);
      if (enqueue.signal?.aborted === true) return { kind: 'cancelled', jobId };
      const adopted = await guard(ctx, () => findAdoptable(ctx, queue, job, enqueue.adoptFrom ?? []));
      if (adopted !== null) {
        const outcome = await waitFor(ctx, queue, adopted, job, enqueue);
        // An adopted job that still ended cancelled (its sweep's cancel arrived late) has no verdict.
        if (outcome.kind !== 'result' || outcome.result.status !== 'cancelled') {
          return outcome.kind === 'result' ? { ...outcome, adopted: true } : outcome;
        }
      }
      await guard(ctx, () =>
        queue.add('test', job, {
          jobId,
          attempts: 1,
          removeOnComplete: { age: KEEP_SECONDS },
          removeOnFail: { age: KEEP_SECONDS },
        }),
      );
      return waitFor(ctx, queue, jobId, job, enqueue);
    },
    async close() {
      const opened = await Promise.all(queues.values());
      await Promise.all(opened.flatMap(({ queue, events }) => [queue.close(), events.close()])).catch(() => undefined);
      for (const { blocking } of opened) blocking.redis.disconnect();
      command.redis.disconnect();
    },
  };
}

type WaitContext = {
  spec: RedisSpec;
  bounds: RedisBounds;
  pollMs: number;
  noWorkerMs: number;
  command: RedisHandle;
  wakers: Map<string, Set<() => void>>;
  execution: ExecutionSpec;
};

function parseJob(input: TestJob): TestJob {
  const parsed = testJobSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new QueueError('BAD_MESSAGE', { problems, detail: `not a test job: ${problems.join('; ')}` });
  }
  return parsed.data;
}

/** A Redis call that fails because the connection is gone becomes REDIS_UNREACHABLE. */
async function guard<T>(ctx: WaitContext, call: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await call();
  } catch (error) {
    if (ctx.command.redis.status === 'ready') throw error;
    throw unreachable(ctx.spec, Date.now() - started, error);
  }
}

/**
 * SPEC: only a run that was interrupted adopts its own jobs. A failed job, or one its sweep
 * cancelled (SIGTERM), has no verdict to adopt and is run again.
 */
async function findAdoptable(ctx: WaitContext, queue: Queue, job: TestJob, runIds: readonly string[]): Promise<string | null> {
  for (const runId of runIds) {
    const id = jobIdOf({ ...job, runId });
    const state = await queue.getJobState(id);
    if (state === 'unknown' || state === 'failed') continue;
    if ((await ctx.command.redis.exists(cancelMarkerOf(queue.name, id))) === 1) continue;
    if (state === 'completed') {
      const done = testJobResultSchema.safeParse((await queue.getJob(id))?.returnvalue);
      if (!done.success || done.data.status === 'cancelled') continue;
    }
    return id;
  }
  return null;
}

async function waitFor(ctx: WaitContext, queue: Queue, jobId: string, job: TestJob, opts: EnqueueOptions): Promise<QueuedTestOutcome> {
  const wakeups = wakeupsOf(ctx, jobId);
  try {
    return await waitWoken(ctx, queue, jobId, job, opts, wakeups);
  } finally {
    wakeups.close();
  }
}

async function waitWoken(
  ctx: WaitContext, queue: Queue, jobId: string, job: TestJob, opts: EnqueueOptions, wakeups: Wakeups,
): Promise<QueuedTestOutcome> {
  const signal = opts.signal;
  let failingSince: number | null = null;
  // An active job that says nothing for longer than its test can take has lost its worker.
  const withoutWorkers = unservedSince(ctx.noWorkerMs);
  const silentMs =
    (job.test.timeoutSeconds + opts.killGraceSeconds + 2 * ctx.execution.lockSeconds + ctx.execution.stallCheckSeconds) * 1000;
  for (;;) {
    if (signal?.aborted === true) {
      await cancelJob(ctx, queue, jobId);
      return { kind: 'cancelled', jobId };
    }
    try {
      const seen = await readOutcome(queue, jobId, silentMs);
      failingSince = null;
      if (seen.outcome !== null) return seen.outcome;
      const unserved = seen.state === 'waiting' || seen.state === 'prioritized' ? await withoutWorkers.check(queue) : null;
      if (unserved !== null && (await queue.remove(jobId).catch(() => 0)) === 1) {
        const pool = job.pool === null ? '' : ` --pool ${job.pool}`;
        return {
          kind: 'failed', jobId,
          detail: `no canon worker served queue ${queue.name} for ${Math.round(unserved / 1000)} s, so the job was withdrawn; start \`canon worker${pool}\` on a CI host`,
        };
      }
    } catch (error) {
      if (error instanceof QueueError) throw error;
      failingSince ??= Date.now();
      const waited = Date.now() - failingSince;
      if (ctx.command.redis.status === 'end' || waited > ctx.bounds.giveUpMs) throw unreachable(ctx.spec, waited, error);
    }
    await wakeups.pause(signal);
  }
}

/** How long (ms) a queue has had no worker at all, once that passes `limitMs`; else null. */
function unservedSince(limitMs: number): { check(queue: Queue): Promise<number | null> } {
  let since: number | null = null;
  let checkedAt = 0;
  return {
    async check(queue) {
      const now = Date.now();
      if (now - checkedAt < Math.min(WORKER_CHECK_MS, limitMs / 2)) return since !== null && now - since > limitMs ? now - since : null;
      checkedAt = now;
      since = (await queue.getWorkersCount()) > 0 ? null : (since ?? now);
      return since !== null && now - since > limitMs ? now - since : null;
    },
  };
}

type Seen = { state: string; outcome: QueuedTestOutcome | null };

async function readOutcome(queue: Queue, jobId: string, silentMs: number): Promise<Seen> {
  const state = await queue.getJobState(jobId);
  const seen = (outcome: QueuedTestOutcome | null): Seen => ({ state, outcome });
  if (state === 'unknown') return seen({ kind: 'failed', jobId, detail: `job ${jobId} is gone from the queue (removed by someone else)` });
  if (state !== 'completed' && state !== 'failed' && state !== 'active') return seen(null);
  const found: Job | undefined = await queue.getJob(jobId);
  if (found === undefined) return seen(null);
  if (state === 'completed') return seen({ kind: 'result', jobId, result: parseResult(jobId, found.returnvalue), adopted: false });
  if (state === 'failed') {
    const reason = found.failedReason;
    return seen(
      STALLED_TOO_OFTEN.test(reason)
        ? { kind: 'worker-lost', jobId, detail: `worker lost: the job lost its worker more often than execution.maxStalls allows (${reason})` }
        : { kind: 'failed', jobId, detail: `the worker failed the job: ${reason}` },
    );
  }
  if (found.processedOn !== undefined && Date.now() - found.processedOn > silentMs) {
    return seen({ kind: 'worker-lost', jobId, detail: `worker lost: no result ${Math.round(silentMs / 1000)} s after the test started` });
  }
  return seen(null);
}

function parseResult(jobId: string, value: unknown): TestJobResult {
  const parsed = testJobResultSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new QueueError('BAD_MESSAGE', { jobId, problems, detail: `job ${jobId} finished with a result canon cannot read: ${problems.join('; ')}` });
}

type Wakeups = { pause(signal: AbortSignal | undefined): Promise<void>; close(): void };

/**
 * The job's events, listened to for the whole wait: `pause` lasts until the next poll, an
 * event or the abort. An event that arrives while the job is being read is kept, so the
 * next pause ends at once instead of a poll later.
 */
function wakeupsOf(ctx: WaitContext, jobId: string): Wakeups {
  let woken = false;
  let sleeping: AbortController | null = null;
  const wake = () => {
    woken = true;
    sleeping?.abort();
  };
  const set = ctx.wakers.get(jobId) ?? new Set();
  ctx.wakers.set(jobId, set);
  set.add(wake);
  return {
    async pause(signal) {
      if (!woken && signal?.aborted !== true) {
        const controller = new AbortController();
        sleeping = controller;
        const done = () => controller.abort();
        signal?.addEventListener('abort', done, { once: true });
        try {
          await sleep(ctx.pollMs, undefined, { signal: controller.signal }).catch(() => undefined);
        } finally {
          signal?.removeEventListener('abort', done);
          sleeping = null;
        }
      }
      woken = false;
    },
    close() {
      set.delete(wake);
      if (set.size === 0) ctx.wakers.delete(jobId);
    },
  };
}

/**
 * A waiting job is removed; an active one is cancelled through its workers' channel (the
 * marker covers a worker that takes the job between the two). Best effort: with Redis gone
 * there is nobody to tell, and the lock watch on the worker ends the test.
 */
async function cancelJob(ctx: WaitContext, queue: Queue, jobId: string): Promise<void> {
  const redis = ctx.command.redis;
  try {
    await redis.set(cancelMarkerOf(queue.name, jobId), '1', 'EX', CANCEL_MARKER_SECONDS);
    const removed = await queue.remove(jobId).catch(() => 0);
    if (removed !== 1) await redis.publish(cancelChannelOf(queue.name), JSON.stringify({ jobId }));
  } catch {
    return;
  }
}
