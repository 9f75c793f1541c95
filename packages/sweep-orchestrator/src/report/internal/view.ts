// The per-recipe view every renderer shares: the run's entry joined with the registry's
// canonical, so a recipe with a canonical but no entry in this run still shows up.

import type { Outcome } from '@canon/promote-gate';
import type { AttemptRecord, CanonicalView, RecipeRun, RunRecord } from '@canon/warm-registry';
import type { Evidence, ReportContext } from '../context.js';
import { ageSeconds, compareText } from './format.js';
import { lastTestOf, type LastTest } from './last-test.js';

export type RecipeView = {
  recipe: string;
  entry: RecipeRun | null;
  canonical: CanonicalView | null;
  canonicalVersion: string | null;
  canonicalAgeSeconds: number | null;
  latest: string | null;
  outcome: Outcome | null;
  reason: string;
  /** The run `entry` comes from: the reported run, or an older one for a recipe it did not touch. */
  entryRunId: string | null;
  attempt: AttemptRecord | null;
  /** The last test's verdict (green, red, flaky, timed-out, regression, always-failed); null: never tested. */
  lastTest: LastTest | null;
  /** The newest decision skipped a release already known to fail: shown red, not as a plain skip. */
  knownFailed: boolean;
  evidence: Evidence | null;
  /** Enrolled in the config (true when the context does not say). */
  enrolled: boolean;
};

export const PROBLEM_OUTCOMES: readonly Outcome[] = ['GREEN-BUT-PROMOTE-FAILED', 'FAILED', 'TIMED-OUT', 'SYNC-FAILED', 'ERROR'];

export function isProblem(outcome: Outcome | null | undefined): boolean {
  return outcome !== null && outcome !== undefined && PROBLEM_OUTCOMES.includes(outcome);
}

/** One line saying why: the outcome's detail (for a skip it starts with the skip reason). */
export function reasonOf(entry: RecipeRun): string {
  return entry.detail || entry.decision?.reason || (entry.outcome === null ? 'pending' : '');
}

export function latestOf(entry: RecipeRun | null): string | null {
  return entry?.decision?.latest ?? null;
}

/** Every recipe of the fleet: the config's enrolled ones, the run's, and those with a canonical. */
export function buildRecipeViews(ctx: ReportContext): RecipeView[] {
  const byName = new Map<string, RecipeRun>(ctx.run.recipes.map((r) => [r.recipe, r]));
  const names = new Set<string>([...(ctx.enrolled ?? []), ...byName.keys(), ...Object.keys(ctx.canonicals)]);
  return [...names].sort(compareText).map((recipe) => {
    const own = byName.get(recipe) ?? null;
    const seen = own === null ? (ctx.lastSeen?.[recipe] ?? null) : null;
    const entry = own ?? seen?.entry ?? null;
    const canonical = ctx.canonicals[recipe] ?? null;
    const canonicalVersion = canonical?.version ?? entry?.canonicalAfter?.version ?? null;
    return {
      recipe,
      entry,
      canonical,
      canonicalVersion,
      canonicalAgeSeconds: canonical ? ageSeconds(canonical.ts, ctx.now) : null,
      latest: latestOf(entry),
      outcome: entry?.outcome ?? null,
      reason: entry ? reasonOf(entry) : 'not swept yet',
      entryRunId: own !== null ? ctx.run.runId : (seen?.runId ?? null),
      attempt: ctx.attempts?.[recipe] ?? null,
      lastTest: lastTestOf(ctx.verdicts?.[recipe], entry, own !== null ? ctx.run.runId : (seen?.runId ?? null), ctx.attempts?.[recipe] ?? null),
      knownFailed: entry?.decision?.reason === 'known-failed',
      evidence: isProblem(entry?.outcome) ? (ctx.evidence?.[recipe] ?? null) : null,
      enrolled: ctx.enrolled === undefined || ctx.enrolled.includes(recipe),
    };
  });
}

/**
 * When the last completed sweep finished: the newest full sweep when the context knows it
 * (a `--recipe` run never counts), else the newest given run that was neither dry nor interrupted.
 */
export function lastCompletedAt(ctx: ReportContext): string | null {
  if (ctx.lastFull !== undefined) return ctx.lastFull?.finishedAt ?? null;
  const candidates: (RunRecord | null)[] = [ctx.run, ctx.previous, ...(ctx.earlier ?? [])];
  for (const run of candidates) {
    if (run && !run.dryRun && !run.interrupted && run.finishedAt) return run.finishedAt;
  }
  return null;
}
