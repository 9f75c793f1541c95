import type { ResolvedConfig, ResolvedRecipe } from '../../config/index.js';
import { checkBusy } from '../../sweep/busy-check.js';
import type { StepFailure } from './promote-steps.js';

/**
 * SPEC "Promote" step 1, under the locks: another CI run may have taken the recipe during
 * canon's hour-long test and hold the app now. Busy → `busy` (not final); null when free.
 */
export async function recheckBusy(opts: {
  config: ResolvedConfig;
  recipe: ResolvedRecipe;
  runId: string;
  runDir: string;
  logFile: string;
  signal?: AbortSignal | undefined;
  onPhase?: ((phase: string) => void) | undefined;
}): Promise<StepFailure | null> {
  opts.onPhase?.('promote:busy-check');
  const busy = await checkBusy({
    config: opts.config, recipe: opts.recipe, runId: opts.runId, runDir: opts.runDir, logFile: opts.logFile, signal: opts.signal ?? new AbortController().signal,
  }).catch((error: unknown) => ({ busy: true, detail: `busyCheck could not run: ${(error as Error).message}` }));
  if (opts.signal?.aborted === true) return { reason: 'interrupted', detail: 'the sweep was interrupted before the promote', timedOut: false, interrupted: true };
  if (busy.busy) return { reason: 'busy', detail: `${busy.detail} (checked again after the test, before the promote)`, timedOut: false, interrupted: false };
  return null;
}
