import { relative } from 'node:path';
import type { CanonicalView } from '@canon/warm-registry';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import type { Executor } from '../executor/executor.js';
import type { RecipeRecord } from '../sweep/recipe-record.js';
import { runBaseline } from './baseline.js';
import { attemptOf, type SuiteRun } from './run-suite.js';

/**
 * Puts the suite's attempts and verdict on the record: a flake is held back under
 * `flaky: "hold"`, and with `baseline: "on-red"` an unwaived red of a recipe that has a
 * canonical is told apart as a regression or an always-failed suite.
 */
export async function judgeSuite(
  input: {
    config: ResolvedConfig; recipe: ResolvedRecipe; executor: Executor; before: CanonicalView | null;
    runId: string; runDir: string; suiteRev: string; signal: AbortSignal; waived: boolean; logFor: (step: string) => string;
  },
  suite: SuiteRun,
  record: RecipeRecord,
): Promise<void> {
  const { recipe, before } = input;
  record.attempts = suite.attempts.map((a) => attemptOf(a, (file) => relative(input.runDir, file)));
  record.testVerdict = suite.testVerdict;
  if (suite.testVerdict === 'flaky' && recipe.test.flaky === 'hold') {
    record.verdictNote = {
      held: true,
      detail: `flaky: red, then green on retry ${suite.attempts.length - 1}; held back (test.flaky "hold"), canonical unchanged`,
    };
    return;
  }
  if (suite.testVerdict !== 'red' || input.waived || recipe.test.baseline !== 'on-red' || before === null) return;
  const baseline = await runBaseline({
    config: input.config, recipe, executor: input.executor, canonical: before,
    runId: input.runId, runDir: input.runDir, suiteRev: input.suiteRev, logFile: input.logFor('baseline'), signal: input.signal,
  });
  if (baseline.ran) record.testVerdict = baseline.green ? 'regression' : 'always-failed';
  record.verdictNote = { held: false, detail: baseline.detail };
}
