import { writeFile } from 'node:fs/promises';
import type { ResolvedConfig } from '../config/index.js';
import { maskText } from '../internal/secret-mask.js';
import { openQueueClient, type QueueClient } from '../queue/client.js';
import { QueueError } from '../queue/errors.js';
import { queueNameOf, type QueuedTestOutcome, type TestJob, type TestJobResult } from '../queue/job.js';
import type { Executor, TestRequest, TestResult } from './executor.js';
import { interruptedRunsBefore } from './interrupted-runs.js';
import { suiteRevisionMismatch } from './suite-revision-check.js';

export type QueueExecutor = Executor & {
  /** Closes the Redis connections (if any were opened). */
  close(): Promise<void>;
};

type Opened = { client: QueueClient; adoptFrom: string[] };

/**
 * `execution.mode: "queue"`: each test request becomes a BullMQ job that a `canon worker`
 * runs, and its result a TestResult. Redis is reached on the first test, so a sweep whose
 * recipes all skip never needs it; when it cannot be reached every test fails fast with
 * REDIS_UNREACHABLE (the recipe ends ERROR). A worker lost too often, or a worker that could
 * not run the test at all, throws too: never a verdict.
 */
export function createQueueExecutor(config: ResolvedConfig): QueueExecutor {
  let opened: Promise<Opened> | null = null;
  const open = (runId: string): Promise<Opened> =>
    (opened ??= (async () => {
      const adoptFrom = await interruptedRunsBefore(config.stateDir, runId);
      const client = await openQueueClient({ execution: config.execution });
      return { client, adoptFrom };
    })());
  const secrets = config.secrets ?? [];
  return {
    async runTest(request) {
      const started = performance.now();
      const { client, adoptFrom } = await open(request.runId);
      const job = jobOf(request);
      const queue = queueNameOf(config.execution.queue, job.pool);
      const outcome = await client.enqueueTest(job, { signal: request.signal, adoptFrom, killGraceSeconds: config.killGraceSeconds });
      // Written before the outcome is judged: a lost worker's recipe keeps its log too.
      await writeFile(request.logFile, maskText(logOf(queue, outcome), secrets));
      return resultOf(request, queue, outcome, performance.now() - started, secrets);
    },
    async close() {
      if (opened === null) return;
      const done = await opened.catch(() => null);
      await done?.client.close();
    },
  };
}

function jobOf(request: TestRequest): TestJob {
  const { recipe, release } = request;
  return {
    schema: 1, runId: request.runId, recipe: recipe.name,
    version: release.version, tag: release.tag, commit: release.commit,
    suiteRev: request.suiteRev, kind: request.kind, mirror: recipe.mirror,
    test: { command: recipe.test.command, timeoutSeconds: recipe.test.timeoutSeconds },
    upgradeBase: request.upgradeBase, previousVersion: request.previousVersion,
    domain: recipe.promote?.domain ?? null, pool: recipe.test.pool ?? null,
  };
}

function resultOf(request: TestRequest, queue: string, outcome: QueuedTestOutcome, waitedMs: number, secrets: readonly string[]): TestResult {
  const { jobId } = outcome;
  const interrupted = (host: string | null, durationMs: number): TestResult => ({
    exitCode: null, signal: null, durationMs, timedOut: false, aborted: true,
    host: host ?? '', ...(host === null ? {} : { worker: host }), logTail: '', log: request.logFile,
  });
  if (outcome.kind === 'cancelled') return interrupted(null, waitedMs);
  if (outcome.kind === 'worker-lost') throw new QueueError('WORKER_LOST', { queue, jobId, detail: outcome.detail });
  if (outcome.kind === 'failed') throw new QueueError('JOB_FAILED', { queue, jobId, detail: outcome.detail });
  const { result } = outcome;
  if (result.status === 'cancelled') {
    if (request.signal.aborted) return interrupted(result.host, result.durationMs);
    throw new QueueError('JOB_FAILED', { queue, jobId, detail: `job ${jobId} was cancelled on ${result.host}, though this sweep did not cancel it` });
  }
  if (result.status === 'error') {
    const where = result.logPath === null ? '' : ` (log ${result.host}:${result.logPath})`;
    throw new QueueError('JOB_FAILED', { queue, jobId, detail: `${result.detail}${where}` });
  }
  const mismatch = suiteRevisionMismatch(request, result.host, result.suiteRevision);
  if (mismatch !== null) throw new QueueError('SUITE_REVISION_MISMATCH', { queue, jobId, detail: mismatch });
  const { exitCode } = result;
  return {
    exitCode, signal: result.signal, durationMs: result.durationMs,
    // The suite's own deadline (e.g. cc-ci's alarm, 142) is a timeout too, as on a local run.
    timedOut: result.timedOut || (exitCode !== null && request.recipe.test.timeoutExitCodes.includes(exitCode)),
    aborted: false, host: result.host, worker: result.host, logTail: maskText(result.logTail, secrets), log: request.logFile,
  };
}

/** The sweep host's log of a queued test: where it ran, where its full log is, and the log's last bytes. */
function logOf(queue: string, outcome: QueuedTestOutcome): string {
  const head = `canon: job ${outcome.jobId} on queue ${queue}\n`;
  if (outcome.kind !== 'result') return `${head}canon: ${outcome.kind === 'cancelled' ? 'cancelled by this sweep' : outcome.detail}\n`;
  const r: TestJobResult = outcome.result;
  const adopted = outcome.adopted ? 'canon: adopted from the interrupted run (not run again)\n' : '';
  if (r.status !== 'ran') return `${head}${adopted}canon: ${r.status} on ${r.host}${r.status === 'error' ? `: ${r.detail}` : ''}\n`;
  const ended = r.exitCode !== null ? `exit ${r.exitCode}` : `signal ${r.signal ?? '?'}`;
  return [
    head,
    adopted,
    `canon: ran on ${r.host}: ${ended}${r.timedOut ? ' (timed out)' : ''} after ${(r.durationMs / 1000).toFixed(1)} s\n`,
    `canon: full log ${r.host}:${r.logPath} (sha256 ${r.logSha256})\n`,
    r.exitCode === 0 ? '' : `canon: failure line: ${failureLine(r.logTail)}\n`,
    '--- the log\'s last bytes ---\n',
    r.logTail,
  ].join('');
}

/** The last line of the log that says anything. */
function failureLine(tail: string): string {
  return tail.split('\n').map((l) => l.trim()).filter((l) => l !== '').at(-1) ?? '(the log is empty)';
}
