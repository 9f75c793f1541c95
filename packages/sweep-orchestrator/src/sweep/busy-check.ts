import type { ResolvedConfig, ResolvedRecipe, PlaceholderValues } from '../config/index.js';
import { expandPlaceholders } from '../config/index.js';
import { runLocalCommand } from '../executor/local-command.js';
import type { CommandResult } from '../run-command.js';

const BUSY_CHECK_TIMEOUT_MS = 60_000;

export type BusyCheckStep = { config: ResolvedConfig; recipe: ResolvedRecipe; runId: string; runDir: string; logFile: string; signal: AbortSignal };

/**
 * SPEC "Commands": `busyCheck` exits 0 when the recipe is free and non-zero when another CI
 * run holds it. A check that cannot decide (timeout, killed) counts as busy: colliding with
 * a running CI job is worse than testing a week later.
 */
export async function checkBusy(step: BusyCheckStep): Promise<{ busy: boolean; detail: string; result: CommandResult | null }> {
  const { recipe, config } = step;
  if (recipe.busyCheck === null) return { busy: false, detail: 'no busyCheck configured', result: null };
  const values: PlaceholderValues = { recipe: recipe.name, runId: step.runId, runDir: step.runDir };
  const result = await runLocalCommand(config, {
    argv: expandPlaceholders(recipe.busyCheck, values),
    cwd: config.workDir,
    env: { CANON_RECIPE: recipe.name, CANON_RUN_ID: step.runId },
    timeoutMs: BUSY_CHECK_TIMEOUT_MS,
    runId: step.runId,
    logFile: step.logFile,
    signal: step.signal,
  });
  if (result.exitCode === 0) return { busy: false, detail: 'busyCheck: free', result };
  const how = result.timedOut ? 'timed out' : result.exitCode === null ? `was killed (${result.signal ?? '?'})` : `exited ${result.exitCode}`;
  return { busy: true, detail: `busyCheck ${how}: another CI run holds ${recipe.name}`, result };
}
