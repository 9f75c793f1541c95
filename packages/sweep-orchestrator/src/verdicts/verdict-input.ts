import type { Approval, Recheck, VerdictInput } from '@canon/trigger';
import type { Registry } from '@canon/warm-registry';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';

export type RecipeVerdicts = {
  /** What `decide` gets as `verdicts`. */
  verdicts: VerdictInput;
  /** Approvals of kind `approve`, for held majors. */
  approvals: Approval[];
  /** Torn lines skipped while reading. */
  warnings: string[];
};

/** Reads verdicts.jsonl and approvals.jsonl once for this recipe's sweep. */
export async function loadRecipeVerdicts(
  registry: Registry,
  config: ResolvedConfig,
  recipe: ResolvedRecipe,
  revs: { suiteRev: string; promoteRev: string },
): Promise<RecipeVerdicts> {
  const { verdicts, approvals } = await registry.readDecisionRecords(recipe.name);
  const rechecks: Recheck[] = approvals.records
    .filter((a) => a.kind === 'recheck')
    .map((a) => ({ ts: a.ts, version: a.version }));
  return {
    verdicts: {
      lines: verdicts.records,
      ...revs,
      rechecks,
      waivers: recipe.waive,
      recheckAfterDays: config.recheckAfterDays,
    },
    approvals: approvals.records
      .filter((a) => a.kind === 'approve')
      .map((a) => (a.expires === undefined ? { version: a.version } : { version: a.version, expires: a.expires })),
    warnings: [...verdicts.warnings, ...approvals.warnings].map((w) => w.message),
  };
}
