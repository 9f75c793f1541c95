import type { Approval, DecisionInput } from '@canon/trigger';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';

export type HoldInputs = Required<Pick<DecisionInput, 'hold' | 'approvals' | 'protectedDomain' | 'promoteMode' | 'now'>>;

/**
 * What the recipe's settings, its approvals (of kind `approve`, as `loadRecipeVerdicts` read
 * them from approvals.jsonl with the verdicts: the file is read once per recipe) and the clock
 * tell `decide`: holds, approvals, whether its warm domain is protected, and its promote mode.
 */
export function holdInputs(config: ResolvedConfig, recipe: ResolvedRecipe, approvals: readonly Approval[], now: Date): HoldInputs {
  return {
    hold: recipe.hold,
    approvals: [...approvals],
    protectedDomain: recipe.promote !== null && config.protectedDomains.includes(recipe.promote.domain),
    promoteMode: recipe.promote?.mode ?? 'warm',
    now,
  };
}
