import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from 'bullmq';
import { reapOrphans } from '@canon/warm-registry';
import type { ResolvedConfig } from '../config/index.js';
import { QueueError } from './errors.js';
import { cancelChannelOf, cancelMarkerOf, cancelMessageSchema, queueNameOf, testJobSchema, type TestJobResult } from './job.js';
import { watchLocks, type ActiveJob } from './lock-watch.js';
import { connectRedis } from './redis.js';
import { runTestJob } from './run-job.js';

export type RunWorkerOptions = {
  /** The worker host's own config (its own stateDir and workDir). */
  config: ResolvedConfig;
  slots: number;
  pool: string | null;
  /** Aborted on SIGTERM/SIGINT: stop taking jobs, end the running tests, hand their jobs back, close. */
  signal: AbortSignal;
  /** Named in every result; default the host name. */
  host?: string;
  log?: (line: string) => void;
};

/** After a shutdown's tests were ended, how long BullMQ may take to close before it is forced. */
const CLOSE_SLACK_MS = 10_000;

/** `canon worker`: takes test jobs from the queue with `slots` at a time until `signal` aborts. */
export async function runWorker(opts: RunWorkerOptions): Promise<void> {
  const { config } = opts;
  const spec = config.execution.redis;
  if (spec === null) throw new QueueError('NOT_CONFIGURED', { detail: 'canon worker needs execution.redis in its config, and it has none' });
  const host = opts.host ?? hostname();
  const log = opts.log ?? (() => undefined);
  const name = queueNameOf(config.execution.queue, opts.pool);
  const lockMs = config.execution.lockSeconds * 1000;

  // Tests a killed worker left behind would run on next to the job's new run elsewhere.
  const reaped = await reapOrphans({ stateDir: config.stateDir, currentRunId: `worker-${randomUUID()}`, graceMs: config.killGraceSeconds * 1000 });
  const ended = reaped.filter((r) => r.signalled);
  if (ended.length > 0) log(`ended ${ended.length} process group(s) a previous worker left behind: ${ended.map((r) => r.pgid).join(', ')}`);

  // Loaded on use, not with the module: see connectRedis.
  const { WaitingError, Worker } = await import('bullmq');
  const connection = await connectRedis(spec, 'worker');
  const subscriber = await connectRedis(spec, 'worker');
  const active = new Map<string, ActiveJob>();

  const processor = async (job: Job, token?: string): Promise<TestJobResult> => {
    const jobId = job.id ?? '';
    const parsed = testJobSchema.safeParse(job.data);
    if (!parsed.success) {
      return { status: 'error', host, reason: 'bad-job', detail: `job ${jobId} is not a canon test job: ${parsed.error.message}`, logPath: null };
    }
    if ((await connection.redis.exists(cancelMarkerOf(name, jobId))) === 1) return { status: 'cancelled', host, durationMs: 0, logPath: null };
    const entry: ActiveJob = { controller: new AbortController(), trackingId: `job-${randomUUID()}`, lastRenewed: Date.now(), ending: null };
    active.set(jobId, entry);
    log(`${jobId}: started (${parsed.data.recipe} ${parsed.data.tag})`);
    try {
      const result = await runTestJob({ config, host, job: parsed.data, signal: entry.controller.signal, trackingId: entry.trackingId });
      if (entry.ending === 'lock-lost') {
        throw new QueueError('LOCK_LOST', { queue: name, jobId, detail: `${host} lost the lock of job ${jobId}; its test was killed` });
      }
      if (entry.ending === 'shutdown' && token !== undefined) {
        // Back to the queue, not a stall: another worker runs it from the start.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      log(`${jobId}: ${result.status}${result.status === 'ran' ? ` exit ${result.exitCode ?? result.signal ?? '?'}` : ''}`);
      return result;
    } finally {
      // A stalled job may already run again here under the same id: forget only this attempt.
      if (active.get(jobId) === entry) active.delete(jobId);
    }
  };

  const worker = new Worker(name, processor, {
    connection: connection.redis,
    concurrency: opts.slots,
    lockDuration: lockMs,
    stalledInterval: config.execution.stallCheckSeconds * 1000,
    maxStalledCount: config.execution.maxStalls,
    name: host,
    autorun: false,
  });
  let lastError = '';
  worker.on('error', (error: Error) => {
    // Redis being away repeats the same error many times a second: say each change once.
    if (error.message !== lastError) log(`warning: ${error.message}`);
    lastError = error.message;
  });
  const stopWatch = watchLocks({ worker, active, lockMs, stateDir: config.stateDir, log });

  subscriber.redis.on('message', (_channel: string, text: string) => {
    let jobId: string;
    try {
      jobId = cancelMessageSchema.parse(JSON.parse(text)).jobId;
    } catch {
      return;
    }
    const entry = active.get(jobId);
    if (entry === undefined || entry.ending !== null) return;
    entry.ending = 'cancelled';
    log(`${jobId}: cancelled by the sweep`);
    entry.controller.abort(new Error('cancelled by the sweep'));
  });
  await subscriber.redis.subscribe(cancelChannelOf(name));

  const running = worker.run();
  log(`taking jobs from ${name} with ${opts.slots} slot(s) as ${host}`);
  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    else opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });

  log('shutting down: ending running tests and handing their jobs back');
  for (const entry of active.values()) {
    if (entry.ending !== null) continue;
    entry.ending = 'shutdown';
    entry.controller.abort(new Error('the worker is shutting down'));
  }
  const closed = worker.close().then(() => running);
  const bound = config.killGraceSeconds * 1000 + CLOSE_SLACK_MS;
  const inTime = await Promise.race([closed.then(() => true), sleep(bound).then(() => false)]);
  if (!inTime) await worker.close(true).catch(() => undefined);
  stopWatch();
  subscriber.redis.disconnect();
  connection.redis.disconnect();
}
