import type { Outcome, RecordRef } from '@canon/promote-gate';
import type { CanonicalView, RecipeRun } from '@canon/warm-registry';

/** A recipe's entry before anything happened to it: how a crash mid-sweep leaves it in run.json. */
export function pendingRecipeRun(recipe: string): RecipeRun {
  return {
    recipe,
    decision: null,
    outcome: null,
    detail: 'pending',
    tested: null,
    canonicalBefore: null,
    canonicalAfter: null,
    sync: { status: 'not-run', changed: false, closedPulls: [], warnings: [] },
    durationsMs: { sync: null, test: null, promote: null },
    warmVolumeBytes: null,
    logs: {},
  };
}

export function refOf(view: CanonicalView | null): RecordRef | null {
  return view === null ? null : { version: view.version, commit: view.commit, runId: view.runId };
}

/** SPEC "Sweep": 0 when every recipe was PROMOTED or SKIPPED, else 1. */
export function exitCodeOfOutcomes(outcomes: readonly (Outcome | null)[]): 0 | 1 {
  return outcomes.every((o) => o === 'PROMOTED' || o === 'SKIPPED') ? 0 : 1;
}
