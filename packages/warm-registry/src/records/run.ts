import { OUTCOMES, type Outcome } from '@canon/promote-gate';
import { z } from 'zod';
import { outcomeSchema } from './outcome.js';
import { testAttemptSchema, testVerdictSchema } from './verdict.js';

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative().nullable();
const recordRef = z.object({
  version: z.string(),
  commit: z.string(),
  runId: z.string().nullable(),
});

export const recipeRunSchema = z.object({
  recipe: z.string().min(1),
  /** null when the recipe never reached the decision (e.g. its mirror could not be synced). */
  decision: z
    .object({
      action: z.enum(['run', 'skip']),
      reason: z.string(),
      /** newest release tag name, or null when there is none. */
      latest: z.string().nullable(),
      /** canonical version at decision time, or null when there is none. */
      canonical: z.string().nullable(),
    })
    .nullable(),
  /** null while the recipe is still pending in a running sweep. */
  outcome: outcomeSchema.nullable(),
  detail: z.string(),
  tested: z
    .object({
      version: z.string(),
      tag: z.string(),
      commit: z.string(),
      /** Queue mode: the `canon worker` host that ran the deciding test (absent in local mode). */
      worker: z.string().optional(),
    })
    .nullable(),
  canonicalBefore: recordRef.nullable(),
  canonicalAfter: recordRef.nullable(),
  sync: z.object({
    status: z.enum(['unchanged', 'synced', 'failed', 'not-run']),
    changed: z.boolean(),
    closedPulls: z.array(count),
    warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  }),
  durationsMs: z.object({ sync: ms, test: ms, promote: ms }),
  warmVolumeBytes: count.nullable(),
  /** What the suite said (null when it did not run); absent in runs of an older canon. */
  testVerdict: testVerdictSchema.nullable().optional(),
  /** Every run of the suite for the tested release, the first try first. */
  attempts: z.array(testAttemptSchema).optional(),
  /** step name → log file path relative to the run directory (e.g. `test` → `gitea/test.log`). */
  logs: z.record(z.string(), z.string()),
});

export type RecipeRun = z.infer<typeof recipeRunSchema>;

export const runRecordSchema = z
  .object({
    schema: z.literal(1),
    runId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    dryRun: z.boolean(),
    interrupted: z.boolean(),
    canonVersion: z.string(),
    exitCode: z.number().int().nullable(),
    recipes: z.array(recipeRunSchema),
    summary: z.record(outcomeSchema, count),
    disk: z.object({ usedBytes: count, budgetBytes: count.nullable() }),
  })
  .meta({
    title: 'canon run.json',
    description: "One sweep's record: what was decided, tested and recorded, per recipe.",
  });

export type RunRecord = z.infer<typeof runRecordSchema>;

/** Counts the recipes per outcome, every outcome present (0 when none), for run.json's `summary`. */
export function summarizeOutcomes(
  recipes: readonly Pick<RecipeRun, 'outcome'>[],
): Record<Outcome, number> {
  const summary = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const { outcome } of recipes) {
    if (outcome) summary[outcome] += 1;
  }
  return summary;
}
