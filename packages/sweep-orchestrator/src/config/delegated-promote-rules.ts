import type { ConfigProblem } from './errors.js';
import type { RawSettings } from './schema.js';
import type { ExecutionSpec, ResolvedRecipe } from './types.js';

type Rule = {
  /** JSON path inside the recipe's merged settings. */
  path: string[];
  /** The setting's value asks canon for something the promoting test command would undo. */
  conflicts: (settings: RawSettings) => boolean;
  why: string;
};

/**
 * With `promote.by: "test"` the test command promotes whatever it finds green, so every setting
 * that asks canon to hold back, undo or lock around a promote would be silently ignored. Each is
 * a config error instead (SPEC "Promote"); a row per such key of the merged recipe.
 */
const RULES: readonly Rule[] = [
  {
    path: ['promote', 'rollback'],
    conflicts: (s) => s.promote?.rollback === true,
    why: 'canon deploys nothing it could roll back; the test command promotes by itself',
  },
  {
    path: ['promote', 'mode'],
    conflicts: (s) => s.promote?.mode === 'live',
    why: 'a live service is backed up, deployed and rolled back by canon, and the test command would deploy it with none of that',
  },
  {
    path: ['promote', 'locks'],
    conflicts: (s) => (s.promote?.locks ?? []).length > 0,
    why: 'canon runs no promote to hold them around; the test command takes the same flock itself when it deploys',
  },
  {
    path: ['test', 'flaky'],
    conflicts: (s) => s.test?.flaky === 'hold',
    why: 'the test command promotes its green retry before canon could hold the flaky release back',
  },
  {
    path: ['test', 'baseline'],
    conflicts: (s) => s.test?.baseline === 'on-red',
    why: "the baseline is a green run on the canonical's tag that the test command would promote again, over the newer record",
  },
  {
    path: ['waive'],
    conflicts: (s) => (s.waive ?? []).length > 0,
    why: 'a waiver lets a red through canon\'s gate, but the test command never promotes a red run',
  },
];

export function delegatedPromoteProblems(merged: RawSettings, at: (...rest: string[]) => string): ConfigProblem[] {
  if (merged.promote?.by !== 'test') return [];
  return RULES.filter((rule) => rule.conflicts(merged)).map((rule) => ({
    path: at(...rule.path),
    message: `not allowed with promote.by "test": ${rule.why}; remove it here (or in defaults) or set promote.by "canon"`,
  }));
}

/**
 * Queue mode runs the test on a worker host: a test command that promotes would write that
 * host's registry, while the sweep re-reads its own and could never see the promote.
 */
export function delegatedExecutionProblems(mode: ExecutionSpec['mode'], recipes: readonly ResolvedRecipe[]): ConfigProblem[] {
  const delegated = recipes.filter((r) => r.promote?.by === 'test').map((r) => r.name);
  if (mode !== 'queue' || delegated.length === 0) return [];
  return [{
    path: 'execution.mode',
    message: `"queue" is not allowed with promote.by "test" (recipes ${delegated.join(', ')}): their test command promotes on the worker host, into a registry this sweep never reads; set execution.mode "local", or promote.by "canon" for them`,
  }];
}
