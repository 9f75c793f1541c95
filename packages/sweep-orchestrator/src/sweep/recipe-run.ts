import type { Outcome } from '@canon/promote-gate';
import type { RecipeRun } from '@canon/warm-registry';

/** SPEC "Sweep": 0 when every recipe was PROMOTED or SKIPPED, else 1. */
export function exitCodeOfOutcomes(outcomes: readonly (Outcome | null)[]): 0 | 1 {
  return outcomes.every((o) => o === 'PROMOTED' || o === 'SKIPPED') ? 0 : 1;
}

/** As exitCodeOfOutcomes, except that a recipe skipped `infra-degraded` counts as a failure: the infrastructure under it is down. */
export function exitCodeOfRun(recipes: readonly Pick<RecipeRun, 'outcome' | 'decision'>[]): 0 | 1 {
  const degraded = recipes.some((r) => r.decision?.action === 'skip' && r.decision.reason === 'infra-degraded');
  return degraded ? 1 : exitCodeOfOutcomes(recipes.map((r) => r.outcome));
}
