import { z } from 'zod';

/** SPEC "Verdicts": `test` is the first run, `retry-<n>` a re-run of a red test, `baseline` the canonical's suite run. */
const KIND = /^(test|baseline|retry-[1-9]\d{0,2})$/;
const OID = /^[0-9a-f]{40}$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** What the sweep hands a worker: everything the worker cannot take from its own config. */
export const testJobSchema = z.strictObject({
  schema: z.literal(1),
  runId: z.string().regex(RUN_ID),
  recipe: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  version: z.string().min(1),
  tag: z.string().min(1),
  commit: z.string().regex(OID),
  suiteRev: z.string().min(1),
  kind: z.string().regex(KIND),
  /** The mirror the worker fetches the tag from. */
  mirror: z.string().min(1),
  /** The sweep's test settings, placeholders unexpanded: the worker expands them with its own checkout. */
  test: z.strictObject({
    command: z.array(z.string()).min(1),
    timeoutSeconds: z.number().positive(),
  }),
  upgradeBase: z.string().nullable(),
  previousVersion: z.string().nullable(),
  domain: z.string().nullable(),
  pool: z.string().nullable(),
});

export type TestJob = z.infer<typeof testJobSchema>;

const ranSchema = z.strictObject({
  status: z.literal('ran'),
  host: z.string(),
  /** null when killed by a signal or stopped by the worker (timeout). */
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  durationMs: z.number().nonnegative(),
  timedOut: z.boolean(),
  /** The last bytes of the log, for the sweep's report. */
  logTail: z.string(),
  logSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The full log stays on the worker host, at this path. */
  logPath: z.string(),
  /**
   * What the worker's `test.revision` printed (null: the worker's config sets none). Absent
   * from an older worker's result, which cannot be told apart from a different suite.
   */
  suiteRevision: z.string().nullable().optional(),
});

const cancelledSchema = z.strictObject({
  status: z.literal('cancelled'),
  host: z.string(),
  durationMs: z.number().nonnegative(),
  logPath: z.string().nullable(),
});

/** The worker could not produce a verdict: the recipe ends ERROR, never a final verdict. */
const errorSchema = z.strictObject({
  status: z.literal('error'),
  host: z.string(),
  reason: z.enum(['bad-job', 'unknown-recipe', 'suite-revision', 'checkout', 'head-moved', 'spawn']),
  detail: z.string(),
  logPath: z.string().nullable(),
});

export const testJobResultSchema = z.discriminatedUnion('status', [ranSchema, cancelledSchema, errorSchema]);

export type TestJobResult = z.infer<typeof testJobResultSchema>;

/** How a queued test ended, as the sweep sees it. */
export type QueuedTestOutcome =
  | { kind: 'result'; jobId: string; result: TestJobResult; adopted: boolean }
  /** Stalled more than `maxStalls` times (or never reported back in time): SPEC "worker lost". */
  | { kind: 'worker-lost'; jobId: string; detail: string }
  | { kind: 'cancelled'; jobId: string }
  | { kind: 'failed'; jobId: string; detail: string };

/**
 * SPEC: `<recipe>@<version>@<commit>@<suiteRev>@<kind>` plus the run id. BullMQ reads a custom
 * id containing ":" as its own legacy `a:b:c` form, and refuses plain integers; every character
 * outside a safe set is percent-encoded (so distinct keys keep distinct ids).
 */
export function jobIdOf(key: Pick<TestJob, 'recipe' | 'version' | 'commit' | 'suiteRev' | 'kind' | 'runId'>): string {
  const safe = (part: string) =>
    part.replace(/[^A-Za-z0-9._+-]/gu, (ch) => [...Buffer.from(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
  return [key.recipe, key.version, key.commit, key.suiteRev, key.kind, key.runId].map(safe).join('@');
}

/** The default pool's queue is `queue`; pool P's is `<queue>-P`. */
export function queueNameOf(queue: string, pool: string | null): string {
  return pool === null ? queue : `${queue}-${pool}`;
}

/** The pub/sub channel on which the sweep tells a queue's workers to cancel a job. */
export function cancelChannelOf(queueName: string): string {
  return `canon:cancel:${queueName}`;
}

/** Set before the cancel message, so a worker that takes the job after the message still sees it. */
export function cancelMarkerOf(queueName: string, jobId: string): string {
  return `canon:cancelled:${queueName}:${jobId}`;
}

export const cancelMessageSchema = z.strictObject({ jobId: z.string().min(1) });
