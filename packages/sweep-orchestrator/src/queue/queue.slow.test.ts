import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueClient, type QueueClient } from './client.js';
import { jobIdOf } from './job.js';
import { createQueueFixture, PASSWORD, type QueueFixture } from '../testing/queue-fixture.js';

const RECIPES = Array.from({ length: 8 }, (_, i) => `app-${i + 1}`);

let fx: QueueFixture;
const clients: QueueClient[] = [];

beforeAll(async () => {
  fx = await createQueueFixture(RECIPES);
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

describe('queue mode with real redis-server and canon worker processes', () => {
  it('runs a job on a worker, which checks the tag out itself and returns the result with its host and log', async () => {
    const worker = await fx.startWorker('q-one', 'one-w1');
    const client = await clientFor('q-one');
    await fx.behave('app-1', 'exit3');
    const job = fx.job('app-1', 'run-one');
    const outcome = await client.enqueueTest(job, { killGraceSeconds: 1 });

    expect(outcome).toMatchObject({ kind: 'result', jobId: jobIdOf(job), adopted: false });
    if (outcome.kind !== 'result' || outcome.result.status !== 'ran') throw new Error(JSON.stringify(outcome));
    const { result } = outcome;
    expect(result).toMatchObject({ host: hostname(), exitCode: 3, signal: null, timedOut: false });
    expect(result.logPath.startsWith(worker.stateDir)).toBe(true);
    const log = await readFile(result.logPath);
    expect(result.logSha256).toBe(createHash('sha256').update(log).digest('hex'));
    expect(result.logTail).toContain('suite app-1 call 0: exit3');
    const [call] = await fx.calls('app-1');
    // The worker's own checkout, at the job's commit, with the job's CANON_* values.
    expect(call).toMatchObject({ head: job.commit, commit: job.commit, runId: 'run-one' });
    expect(call?.cwd.startsWith(join(fx.dir, 'one-w1', 'work', 'checkouts'))).toBe(true);
    // The Redis password opened the queue; neither the worker's output nor the test's environment (logged) holds it.
    expect(worker.stderr()).not.toContain(PASSWORD);
    expect(log.toString()).toContain('"CANON_COMMIT":');
    expect(log.toString()).not.toContain(PASSWORD);
  }, 120_000);

  it('three workers share eight jobs: each runs once, every worker takes some', async () => {
    const workers = await Promise.all([1, 2, 3].map((i) => fx.startWorker('q-share', `share-w${i}`)));
    const client = await clientFor('q-share');
    const jobs = RECIPES.map((r) => fx.job(r, 'run-share'));
    await Promise.all(RECIPES.map((r) => fx.behave(r, 'sleep1.5')));
    const outcomes = await Promise.all(jobs.map((j) => client.enqueueTest(j, { killGraceSeconds: 1 })));

    const logPaths = outcomes.map((o) => (o.kind === 'result' && o.result.status === 'ran' && o.result.exitCode === 0 ? o.result.logPath : null));
    expect(logPaths.every((p) => p !== null), JSON.stringify(outcomes)).toBe(true);
    const perWorker = workers.map((w) => logPaths.filter((p) => p?.startsWith(w.stateDir) === true).length);
    expect(perWorker.reduce((a, b) => a + b, 0)).toBe(8);
    expect(perWorker.every((n) => n >= 1), `jobs per worker: ${perWorker.join(', ')}`).toBe(true);
    for (const r of RECIPES.slice(1)) expect(await fx.calls(r)).toHaveLength(1);
  }, 180_000);

  it('the jobs of a pool go to the workers of that pool only', async () => {
    const plain = await fx.startWorker('q-pool', 'pool-plain');
    const big = await fx.startWorker('q-pool', 'pool-big', { pool: 'big-disk' });
    const client = await clientFor('q-pool');
    await fx.behave('app-2', 'ok');
    const outcome = await client.enqueueTest(fx.job('app-2', 'run-pool', { pool: 'big-disk' }), { killGraceSeconds: 1 });
    if (outcome.kind !== 'result' || outcome.result.status !== 'ran') throw new Error(JSON.stringify(outcome));
    expect(outcome.result.logPath.startsWith(big.stateDir)).toBe(true);
    expect(big.stderr()).toContain('taking jobs from q-pool-big-disk');
    expect(plain.stderr()).not.toContain('run-pool');
  }, 120_000);

  it('ends ERROR-shaped, never a verdict: a recipe the worker does not know, a checkout that moved during the test', async () => {
    await fx.startWorker('q-err', 'err-w');
    const client = await clientFor('q-err');
    const ghost = await client.enqueueTest({ ...fx.job('app-3', 'run-err'), recipe: 'ghost' }, { killGraceSeconds: 1 });
    expect(ghost).toMatchObject({ kind: 'result', result: { status: 'error', reason: 'unknown-recipe' } });

    await fx.behave('app-3', 'move-head');
    const moved = await client.enqueueTest(fx.job('app-3', 'run-err'), { killGraceSeconds: 1 });
    expect(moved).toMatchObject({ kind: 'result', result: { status: 'error', reason: 'head-moved' } });
    expect(moved.kind === 'result' && moved.result.status === 'error' ? moved.result.detail : '').toContain('the result belongs to no tag');
  }, 120_000);

  it('withdraws a job no worker serves after noWorkerMs, but lets one wait for a busy worker', async () => {
    const { resolved } = await fx.config('q-none');
    const client = await openQueueClient({ execution: resolved.execution, pollMs: 250, noWorkerMs: 1500 });
    clients.push(client);
    const callsBefore = await fx.calls('app-4');
    const job = fx.job('app-4', 'run-none', { pool: 'nobody' });
    const outcome = await client.enqueueTest(job, { killGraceSeconds: 1 });
    expect(outcome).toEqual({
      kind: 'failed', jobId: jobIdOf(job),
      detail: expect.stringMatching(/^no canon worker served queue q-none-nobody for \d+ s, so the job was withdrawn; start `canon worker --pool nobody`/) as string,
    });
    expect(await fx.calls('app-4')).toEqual(callsBefore);

    await fx.startWorker('q-busy', 'busy-w');
    const { resolved: busy } = await fx.config('q-busy');
    const patient = await openQueueClient({ execution: busy.execution, pollMs: 250, noWorkerMs: 1500 });
    clients.push(patient);
    await fx.behave('app-5', 'sleep4');
    await fx.behave('app-6', 'ok');
    const before = (await fx.calls('app-5')).length;
    const [first, second] = await Promise.all([
      patient.enqueueTest(fx.job('app-5', 'run-busy'), { killGraceSeconds: 1 }),
      fx.waitForCalls('app-5', before + 1).then(() => patient.enqueueTest(fx.job('app-6', 'run-busy'), { killGraceSeconds: 1 })),
    ]);
    expect(first).toMatchObject({ kind: 'result', result: { status: 'ran', exitCode: 0 } });
    expect(second).toMatchObject({ kind: 'result', result: { status: 'ran', exitCode: 0 } });
  }, 120_000);
});
