import { z } from 'zod';
import { outcomeSchema } from './outcome.js';

/**
 * What the suite said about a tested release: `flaky` is red then green on a retry;
 * `regression` and `always-failed` tell a final red apart by the canonical's baseline run.
 */
export const TEST_VERDICTS = [
  'green',
  'red',
  'flaky',
  'timed-out',
  'regression',
  'always-failed',
] as const;

export type TestVerdict = (typeof TEST_VERDICTS)[number];

export const testVerdictSchema = z.enum(TEST_VERDICTS);

/** One run of the suite: the first try, or a retry in the same checkout. */
export const testAttemptSchema = z.object({
  exitCode: z.number().int().nullable(),
  signal: z.string().min(1).nullable(),
  durationMs: z.number().nonnegative(),
  /** log file path relative to the run directory, or null when none was kept. */
  log: z.string().min(1).nullable(),
});

export type TestAttempt = z.infer<typeof testAttemptSchema>;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in lower-case hex');

export const verdictKeySchema = z.object({
  version: z.string().min(1),
  commit: z.string().min(1),
  suiteRev: sha256,
  promoteRev: sha256,
});

export const verdictRecordSchema = z
  .looseObject({
    schema: z.literal(1),
    ts: z.iso.datetime(),
    runId: z.string().min(1),
    key: verdictKeySchema,
    outcome: outcomeSchema,
    final: z.boolean(),
    reason: z.string().min(1).nullable(),
    testVerdict: testVerdictSchema.nullable(),
    attempts: z.array(testAttemptSchema),
  })
  .meta({
    title: 'canon verdicts.jsonl line',
    description:
      'One line of recipes/<recipe>/verdicts.jsonl: how a tested release ended under the given suite and promote settings; the last line for a key wins.',
  });

export type VerdictRecord = z.infer<typeof verdictRecordSchema>;
