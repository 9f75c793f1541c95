import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { runLocalCommand } from '../executor/local-command.js';
import { readSuiteRevision, REVISION_TIMEOUT_MS, type SuiteRevision } from '../verdicts/suite-revision.js';
import type { TestJob } from './job.js';

/**
 * The suite revision as this worker would run it: the worker's own `test.revision`, run as the
 * sweep host runs it (in workDir, with CANON_RECIPE and the sweep's CANON_RUN_ID), but tracked
 * under the job attempt's id so a lost lock or a cancel ends it with the test's group.
 */
export function workerSuiteRevision(
  config: ResolvedConfig,
  recipe: ResolvedRecipe,
  step: { job: TestJob; trackingId: string; logFile: string; signal: AbortSignal },
): Promise<SuiteRevision> {
  return readSuiteRevision(recipe, (argv) =>
    runLocalCommand(config, {
      argv: [...argv], cwd: config.workDir, env: { CANON_RECIPE: recipe.name, CANON_RUN_ID: step.job.runId },
      timeoutMs: REVISION_TIMEOUT_MS, runId: step.trackingId, logFile: step.logFile, signal: step.signal, capture: true,
    }),
  );
}
