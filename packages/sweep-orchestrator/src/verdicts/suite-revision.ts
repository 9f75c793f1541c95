import { execFile } from 'node:child_process';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { runLocalCommand } from '../executor/local-command.js';

const REVISION_TIMEOUT_MS = 60_000;

export type SuiteRevision = { ok: true; output: string | null } | { ok: false; detail: string };

/** What the revision command did: enough to say why it gave no revision. */
export type RevisionRun = { exitCode: number | null; signal: string | null; timedOut: boolean; stdout: string };

export type RevisionRunner = (argv: readonly string[]) => Promise<RevisionRun>;

/**
 * The sweep's runner: logged, tracked and stopped with the sweep like every other command. A
 * worker passes `trackingId` (its job attempt's id) so a lost lock or a cancel ends it with the
 * test's group; CANON_RUN_ID stays the sweep's run.
 */
export function sweepRevisionRunner(
  config: ResolvedConfig,
  recipe: ResolvedRecipe,
  step: { runId: string; trackingId?: string; logFile: () => string; signal: AbortSignal },
): RevisionRunner {
  return (argv) =>
    runLocalCommand(config, {
      argv: [...argv], cwd: config.workDir, env: { CANON_RECIPE: recipe.name, CANON_RUN_ID: step.runId },
      timeoutMs: REVISION_TIMEOUT_MS, runId: step.trackingId ?? step.runId, logFile: step.logFile(), signal: step.signal, capture: true,
    });
}

/** `plan`'s runner: plan writes no file, so the command's output is neither logged nor tracked. */
export const planRevisionRunner: RevisionRunner = (argv) =>
  new Promise((resolve, reject) => {
    const [program, ...args] = argv;
    if (program === undefined) return reject(new Error('empty argv'));
    execFile(program, args, { timeout: REVISION_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, stdout) => {
      if (error !== null && typeof error.code !== 'number' && error.signal == null) return reject(error);
      resolve({
        exitCode: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
        signal: error?.signal ?? null, timedOut: error?.killed === true, stdout,
      });
    });
  });

/**
 * Runs `test.revision` (argv printing the suite's own revision). A command that fails or
 * prints nothing cannot say which suite would run, so the recipe is not tested.
 */
export async function readSuiteRevision(recipe: ResolvedRecipe, run: RevisionRunner): Promise<SuiteRevision> {
  const argv = recipe.test.revision;
  if (argv === null) return { ok: true, output: null };
  let result: RevisionRun;
  try {
    result = await run(argv);
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
