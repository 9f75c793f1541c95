import type { DecisionInput } from '@canon/trigger';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';

export type HoldInputs = Required<Pick<DecisionInput, 'hold' | 'protectedDomain' | 'promoteMode' | 'now'>>;

/**
 * What the recipe's settings and the clock tell `decide`: holds, whether its warm domain is
 * protected, and its promote mode. The approvals come with the verdicts (`loadRecipeVerdicts`
 * reads approvals.jsonl once per recipe).
 */
export function holdInputs(config: ResolvedConfig, recipe: ResolvedRecipe, now: Date): HoldInputs {
  return {
    hold: recipe.hold,
    protectedDomain: recipe.promote !== null && config.protectedDomains.includes(recipe.promote.domain),
    promoteMode: recipe.promote?.mode ?? 'warm',
    now,
  };
}
