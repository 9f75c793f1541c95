import type { DecisionInput } from '@canon/trigger';
import type { Registry } from '@canon/warm-registry';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';

export type HoldInputs = Required<Pick<DecisionInput, 'hold' | 'approvals' | 'protectedDomain' | 'promoteMode' | 'now'>>;

/**
 * What the recipe's settings, its approvals.jsonl and the clock tell `decide`: holds, the
 * approvals of kind `approve`, whether its warm domain is protected, and its promote mode.
 * A torn approvals line is skipped; the warnings say so.
 */
export async function readHoldInputs(
  config: ResolvedConfig,
  registry: Registry,
  recipe: ResolvedRecipe,
  now: Date,
): Promise<{ inputs: HoldInputs; warnings: string[] }> {
  const approvals = recipe.enrolled ? await registry.readApprovals(recipe.name) : { records: [], warnings: [] };
  return {
    inputs: {
      hold: recipe.hold,
      approvals: approvals.records
        .filter((a) => a.kind === 'approve')
        .map((a) => (a.expires === undefined ? { version: a.version } : { version: a.version, expires: a.expires })),
      protectedDomain: recipe.promote !== null && config.protectedDomains.includes(recipe.promote.domain),
      promoteMode: recipe.promote?.mode ?? 'warm',
      now,
    },
    warnings: approvals.warnings.map((w) => `approvals.jsonl: ${w.message}`),
  };
}
