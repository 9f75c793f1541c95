import type { ConfigProblem } from './errors.js';
import type { RawSettings } from './schema.js';

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
];

export function delegatedPromoteProblems(merged: RawSettings, at: (...rest: string[]) => string): ConfigProblem[] {
  if (merged.promote?.by !== 'test') return [];
  return RULES.filter((rule) => rule.conflicts(merged)).map((rule) => ({
    path: at(...rule.path),
    message: `not allowed with promote.by "test": ${rule.why}; remove it here (or in defaults) or set promote.by "canon"`,
  }));
}
