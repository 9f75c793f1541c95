import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { runLocalCommand } from '../executor/local-command.js';

const REVISION_TIMEOUT_MS = 60_000;

export type SuiteRevision = { ok: true; output: string | null } | { ok: false; detail: string };

/**
 * Runs `test.revision` (argv printing the suite's own revision). A command that fails or
 * prints nothing cannot say which suite would run, so the recipe is not tested.
 */
export async function readSuiteRevision(
  config: ResolvedConfig,
  recipe: ResolvedRecipe,
  step: { runId: string; logFile: string; signal: AbortSignal },
): Promise<SuiteRevision> {
  const argv = recipe.test.revision;
  if (argv === null) return { ok: true, output: null };
  let result;
  try {
    result = await runLocalCommand(config, {
      argv: [...argv], cwd: config.workDir, env: { CANON_RECIPE: recipe.name, CANON_RUN_ID: step.runId },
      timeoutMs: REVISION_TIMEOUT_MS, runId: step.runId, logFile: step.logFile, signal: step.signal, capture: true,
    });
  } catch (e) {
    return { ok: false, detail: `suite-revision: test.revision ${JSON.stringify(argv)} could not run: ${e instanceof Error ? e.message : String(e)}; untested` };
  }
  const output = result.stdout.trim();
  if (result.exitCode === 0 && output !== '') return { ok: true, output };
  const how = result.exitCode === 0
    ? 'printed nothing'
    : result.timedOut ? 'timed out' : result.exitCode === null ? `was killed (${result.signal ?? '?'})` : `exited ${result.exitCode}`;
  return {
    ok: false,
    detail: `suite-revision: test.revision ${JSON.stringify(argv)} ${how}; expected the suite's revision on stdout; untested (fix the command or unset test.revision)`,
  };
}
