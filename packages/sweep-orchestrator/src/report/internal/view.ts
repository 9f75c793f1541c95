// The per-recipe view every renderer shares: the run's entry joined with the registry's
// canonical, so a recipe with a canonical but no entry in this run still shows up.

import type { Outcome } from '@canon/promote-gate';
import type { CanonicalView, RecipeRun, RunRecord } from '@canon/warm-registry';
import type { ReportContext } from '../context.js';
import { ageSeconds, compareText } from './format.js';

export type RecipeView = {
  recipe: string;
  entry: RecipeRun | null;
  canonical: CanonicalView | null;
  canonicalVersion: string | null;
  canonicalAgeSeconds: number | null;
  latest: string | null;
  outcome: Outcome | null;
  reason: string;
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

export function buildRecipeViews(ctx: ReportContext): RecipeView[] {
  const byName = new Map<string, RecipeRun>(ctx.run.recipes.map((r) => [r.recipe, r]));
  const names = new Set<string>([...byName.keys(), ...Object.keys(ctx.canonicals)]);
  return [...names].sort(compareText).map((recipe) => {
    const entry = byName.get(recipe) ?? null;
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
      reason: entry ? reasonOf(entry) : 'not in this run',
    };
  });
}

/** The newest run that ran to its end for real: neither a dry run nor interrupted. */
export function lastCompletedAt(ctx: ReportContext): string | null {
  const candidates: (RunRecord | null)[] = [ctx.run, ctx.previous, ...(ctx.earlier ?? [])];
  for (const run of candidates) {
    if (run && !run.dryRun && !run.interrupted && run.finishedAt) return run.finishedAt;
  }
  return null;
}
