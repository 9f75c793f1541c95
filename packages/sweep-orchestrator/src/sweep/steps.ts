import type { ResolvedConfig, ResolvedRecipe, PlaceholderValues } from '../config/index.js';
import { expandEnv, expandPlaceholders } from '../config/index.js';
import { canonEnv, runCommand, type CommandResult } from '../run-command.js';

const BUSY_CHECK_TIMEOUT_MS = 60_000;

type StepBase = { config: ResolvedConfig; recipe: ResolvedRecipe; runId: string; runDir: string; logFile: string; signal: AbortSignal };

/**
 * SPEC "Commands": `busyCheck` exits 0 when the recipe is free and non-zero when another CI
 * run holds it. A check that cannot decide (timeout, killed) counts as busy: colliding with
 * a running CI job is worse than testing a week later.
 */
export async function checkBusy(step: StepBase): Promise<{ busy: boolean; detail: string; result: CommandResult | null }> {
  const { recipe, config } = step;
  if (recipe.busyCheck === null) return { busy: false, detail: 'no busyCheck configured', result: null };
  const values: PlaceholderValues = { recipe: recipe.name, runId: step.runId, runDir: step.runDir };
  const result = await runStepCommand(step, {
    argv: expandPlaceholders(recipe.busyCheck, values),
    cwd: config.workDir,
    env: { CANON_RECIPE: recipe.name, CANON_RUN_ID: step.runId },
    timeoutMs: BUSY_CHECK_TIMEOUT_MS,
  });
  if (result.exitCode === 0) return { busy: false, detail: 'busyCheck: free', result };
  const how = result.timedOut ? 'timed out' : result.exitCode === null ? `was killed (${result.signal ?? '?'})` : `exited ${result.exitCode}`;
  return { busy: true, detail: `busyCheck ${how}: another CI run holds ${recipe.name}`, result };
}

export type TestTarget = { version: string; tag: string; commit: string; checkout: string };

/** Runs the cold suite in the tag's checkout with SPEC's CANON_* environment. */
export async function runTest(
  step: StepBase & { tested: TestTarget; upgradeBase: string | null; previousVersion: string | null },
): Promise<CommandResult> {
  const { recipe, tested } = step;
  // What CANON_* exports for a test (SPEC: domain and previous version only for promote).
  const target = {
    recipe: recipe.name,
    version: tested.version,
    tag: tested.tag,
    commit: tested.commit,
    checkout: tested.checkout,
    upgradeBase: step.upgradeBase ?? '',
    runId: step.runId,
  };
  const values: PlaceholderValues = {
    ...target,
    runDir: step.runDir,
    previousVersion: step.previousVersion ?? '',
    ...(recipe.promote === null ? {} : { domain: recipe.promote.domain }),
  };
  const env = { ...expandEnv(recipe.test.env, values), ...canonEnv(target) };
  return runStepCommand(step, {
    argv: expandPlaceholders(recipe.test.command, values),
    cwd: tested.checkout,
    env,
    timeoutMs: recipe.test.timeoutSeconds * 1000,
  });
}

/** What every sweep step's command shares: grace, log, child tracking, interrupt, withheld secrets. */
function runStepCommand(
  step: StepBase,
  command: { argv: string[]; cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<CommandResult> {
  const { config } = step;
  return runCommand({
    ...command,
    killGraceMs: config.killGraceSeconds * 1000,
    logFile: step.logFile,
    stateDir: config.stateDir,
    runId: step.runId,
    signal: step.signal,
    // The forge token variable stays with canon: a recipe's commands have no business with it.
    withheldEnv: config.secretEnv ?? [],
    secrets: config.secrets ?? [],
  });
}
