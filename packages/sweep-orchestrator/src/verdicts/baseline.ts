import { join } from 'node:path';
import { checkoutCommit } from '@canon/mirror-sync';
import type { CanonicalView } from '@canon/warm-registry';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import type { Executor } from '../executor/executor.js';
import { mirrorAuth } from '../sweep/remotes.js';

export type BaselineRun =
  | { ran: true; green: boolean; detail: string }
  | { ran: false; detail: string };

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * SPEC "Verdicts": after a final red, the same suite runs once more, through the executor,
 * on a checkout of the canonical's RECORDED commit (a moved tag would point elsewhere), in
 * its own checkout directory. Green there: the new release regressed; red: the suite or the
 * environment is broken.
 */
export async function runBaseline(
  input: {
    config: ResolvedConfig;
    recipe: ResolvedRecipe;
    executor: Executor;
    canonical: CanonicalView;
    runId: string;
    runDir: string;
    suiteRev: string;
    logFile: string;
    signal: AbortSignal;
  },
): Promise<BaselineRun> {
  const { config, recipe, canonical } = input;
  const auth = mirrorAuth(config);
  let checkout: string;
  try {
    const out = await checkoutCommit({
      url: recipe.mirror, commit: canonical.commit,
      dir: join(config.workDir, 'checkouts', `${recipe.name}@previous`),
      ...(auth === null ? {} : { auth }), recipe: recipe.name, signal: input.signal,
    });
    checkout = out.dir;
  } catch (e) {
    return { ran: false, detail: `baseline not run: the canonical's recorded commit ${canonical.commit.slice(0, 12)} (${canonical.tag}) could not be checked out: ${message(e)}` };
  }
  let result;
  try {
    result = await input.executor.runTest({
      kind: 'baseline', recipe,
      release: { version: canonical.version, tag: canonical.tag, commit: canonical.commit, checkout },
      upgradeBase: null, previousVersion: null, suiteRev: input.suiteRev,
      runId: input.runId, runDir: input.runDir, logFile: input.logFile, signal: input.signal,
    });
  } catch (e) {
    return { ran: false, detail: `baseline not run: ${message(e)}` };
  }
  if (result.aborted) return { ran: false, detail: 'baseline interrupted' };
  const green = result.exitCode === 0;
  const how = result.timedOut ? 'timed out' : result.exitCode === null ? 'was killed' : `exited ${result.exitCode}`;
  return {
    ran: true,
    green,
    detail: green
      ? `regression: the canonical ${canonical.version} passes the same suite`
      : `always-failed: the canonical ${canonical.version} fails the same suite too (${how}); the suite or the environment is broken, not the release`,
  };
}
