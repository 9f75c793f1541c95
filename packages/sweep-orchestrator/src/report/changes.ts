// "Since the previous run": what an operator needs on Monday morning, without the noise
// of recipes that were fine last week and are still fine.

import type { Outcome } from '@canon/promote-gate';
import type { RecipeRun, RunRecord } from '@canon/warm-registry';
import type { ReportContext } from './context.js';
import { compareText } from './internal/format.js';
import { isProblem } from './internal/view.js';

export type Change =
  | { kind: 'advanced'; recipe: string; from: string | null; to: string; was: Outcome | null }
  | { kind: 'still'; recipe: string; outcome: Outcome; since: string }
  | { kind: 'changed'; recipe: string; outcome: Outcome; was: Outcome | null; reason: string }
  | { kind: 'removed'; recipe: string; was: Outcome | null };

/** `unchanged` counts recipes in their steady state; recipes still pending in a running sweep count nowhere. */
export type ChangeSummary = { previousRunId: string | null; changes: Change[]; unchanged: number };

function entryOf(run: RunRecord | null | undefined, recipe: string): RecipeRun | null {
  return run?.recipes.find((r) => r.recipe === recipe) ?? null;
}

/** The oldest run of an unbroken streak of `outcome` ending at `previous`. */
function streakStart(ctx: ReportContext, recipe: string, outcome: Outcome): string {
  const previous = ctx.previous;
  let since = previous?.runId ?? ctx.run.runId;
  for (const run of ctx.earlier ?? []) {
    if (entryOf(run, recipe)?.outcome !== outcome) break;
    since = run.runId;
  }
  return since;
}

function changeOf(ctx: ReportContext, entry: RecipeRun): Change | null {
  const before = entryOf(ctx.previous, entry.recipe);
  const was = before?.outcome ?? null;
  if (entry.outcome === null) return null;
  if (entry.outcome === 'PROMOTED' && entry.canonicalAfter) {
    return { kind: 'advanced', recipe: entry.recipe, from: entry.canonicalBefore?.version ?? null, to: entry.canonicalAfter.version, was };
  }
  if (isProblem(entry.outcome)) {
    if (ctx.previous && was === entry.outcome) {
      return { kind: 'still', recipe: entry.recipe, outcome: entry.outcome, since: streakStart(ctx, entry.recipe, entry.outcome) };
    }
    return { kind: 'changed', recipe: entry.recipe, outcome: entry.outcome, was, reason: entry.detail };
  }
  // A skip after a promotion or another skip is the steady state; anything else is news.
  if (ctx.previous && (was === null || isProblem(was))) {
    return { kind: 'changed', recipe: entry.recipe, outcome: entry.outcome, was, reason: entry.decision?.reason ?? entry.detail };
  }
  return null;
}

export function summarizeChanges(ctx: ReportContext): ChangeSummary {
  const changes: Change[] = [];
  let unchanged = 0;
  for (const entry of [...ctx.run.recipes].sort((a, b) => compareText(a.recipe, b.recipe))) {
    const change = changeOf(ctx, entry);
    if (change) changes.push(change);
    else if (entry.outcome !== null) unchanged += 1;
  }
  const present = new Set(ctx.run.recipes.map((r) => r.recipe));
  for (const gone of [...(ctx.previous?.recipes ?? [])].sort((a, b) => compareText(a.recipe, b.recipe))) {
    if (!present.has(gone.recipe)) changes.push({ kind: 'removed', recipe: gone.recipe, was: gone.outcome });
  }
  return { previousRunId: ctx.previous?.runId ?? null, changes, unchanged };
}
