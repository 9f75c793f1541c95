import { relative } from 'node:path';
import { deriveOutcome, evaluateGate } from '@canon/promote-gate';
import { decide, isReleaseTag, type Decision, type TagRef } from '@canon/trigger';
import type { CanonicalView, Registry, RecipeRun, RunStore } from '@canon/warm-registry';
import type { TestedRelease } from '../command-values.js';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import type { Executor } from '../executor/executor.js';
import type { Promoter } from '../promote/promoter.js';
import { checkBusy } from './busy-check.js';
import { checkOutRelease } from './check-out-release.js';
import { newRecipeRecord, outcomeInputOf, recipeRunOf } from './recipe-record.js';
import { runTest } from './run-test.js';
import type { RecipeSync } from './sync-recipe.js';
import { chooseUpgradeBase } from './upgrade-base.js';

export type RecipeContext = {
  config: ResolvedConfig;
  registry: Registry;
  store: RunStore;
  runId: string;
  force: boolean;
  signal: AbortSignal;
  /** Where test commands run. */
  executor: Executor;
  /** Who deploys the warm canonical. */
  promoter: Promoter;
  phase: (recipe: string, phase: string) => void;
  warn: (recipe: string, message: string) => void;
  /** Called whenever the entry changed, so run.json follows the sweep as it goes; `urgent`
   * waits until the change is on disk (before a long step, and for a tested recipe's label). */
  update: (entry: RecipeRun, urgent?: boolean) => Promise<void>;
};

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * One recipe through the sweep: sync → busyCheck → decide → checkout → test → gate →
 * promote → label. Every failure stays inside this recipe: it ends as an outcome, never
 * as an exception that would stop the other recipes.
 */
export async function runRecipe(ctx: RecipeContext, recipe: ResolvedRecipe, synced: () => Promise<RecipeSync>): Promise<RecipeRun> {
  const record = newRecipeRecord(recipe.name);
  const log = (step: string): string => {
    const file = ctx.store.logPath(recipe.name, step);
    record.logs[step] = relative(ctx.store.dir, file);
    return file;
  };
  const label = async (): Promise<RecipeRun> => {
    record.label = deriveOutcome(outcomeInputOf(record, ctx.runId));
    const entry = recipeRunOf(record);
    if (entry.tested !== null) await recordAttempt(ctx, entry);
    await ctx.update(entry, entry.tested !== null);
    return entry;
  };
  const fail = (what: string): Promise<RecipeRun> => {
    record.error = what;
    return label();
  };

  ctx.phase(recipe.name, 'registry');
  try {
    record.canonicalBefore = await ctx.registry.readCanonical(recipe.name);
  } catch (e) {
    // A recipe that is not enrolled is skipped whatever its record holds.
    if (recipe.enrolled) return fail(`cannot read the registry record: ${message(e)} (file left untouched)`);
  }
  const before = record.canonicalBefore;
  record.canonicalAfter = before;

  if (!recipe.enrolled) {
    record.decision = decideFor(ctx, recipe, before, [], false);
    return label();
  }

  ctx.phase(recipe.name, 'sync');
  const sync = await synced();
  record.sync = sync;
  if (sync.kind === 'error') return fail(`sync: ${message(sync.error)}`);
  if (sync.kind === 'sync-failed') return label();
  for (const w of sync.sync.warnings) ctx.warn(recipe.name, w.message);
  await ctx.update(recipeRunOf(record));

  let busy = false;
  // Without a busyCheck there is nothing to run, and no log directory to create for it.
  if (recipe.busyCheck !== null) {
    ctx.phase(recipe.name, 'busy-check');
    try {
      busy = (await checkBusy({ config: ctx.config, recipe, runId: ctx.runId, runDir: ctx.store.dir, logFile: log('busy-check'), signal: ctx.signal })).busy;
    } catch (e) {
      return fail(`busyCheck could not run: ${message(e)}`);
    }
  }
  if (ctx.signal.aborted) return fail('interrupted before the decision');

  ctx.phase(recipe.name, 'decide');
  const decision = decideFor(ctx, recipe, before, sync.sync.tags, busy, await diskFor(ctx, recipe.name));
  record.decision = decision;
  for (const w of decision.warnings) ctx.warn(recipe.name, w);
  if (decision.action === 'skip') return label();
  const latest = decision.latest;
  await ctx.update(recipeRunOf(record), true);

  ctx.phase(recipe.name, 'checkout');
  let release: TestedRelease;
  try {
    release = await checkOutRelease(ctx.config, recipe, latest);
  } catch (e) {
    return fail(`checkout of ${latest.name} failed: ${message(e)}`);
  }

  ctx.phase(recipe.name, 'test');
  const upgradeBase = chooseUpgradeBase(before?.version ?? null, sync.sync.tags.map((t) => t.name), release.version, ctx.config.includePrereleases);
  const previousVersion = before?.version ?? null;
  const test = await runTest(ctx.executor, {
    kind: 'test', recipe, release, upgradeBase, previousVersion,
    runId: ctx.runId, runDir: ctx.store.dir, logFile: log('test'), signal: ctx.signal,
  }, record);
  if (!test.ok) return fail(test.failure);

  ctx.phase(recipe.name, 'gate');
  const gate = evaluateGate({
    enrolled: recipe.enrolled, exitCode: test.result.exitCode, quick: false, ref: null,
    tagged: isReleaseTag(latest.name, { includePrereleases: ctx.config.includePrereleases }),
  });
  record.gate = gate;

  if (gate.promote) {
    ctx.phase(recipe.name, 'promote');
    try {
      // The promoter logs every promote step to <runDir>/<recipe>/promote.log.
      log('promote');
      record.promote = await ctx.promoter.promote({
        recipe, tested: release, upgradeBase, canonicalBefore: before, runId: ctx.runId, runDir: ctx.store.dir,
        signal: ctx.signal, onPhase: (p) => ctx.phase(recipe.name, p),
      });
    } catch (e) {
      return fail(`promote could not run: ${message(e)}`);
    }
    for (const w of record.promote.warnings) ctx.warn(recipe.name, w);
  }

  ctx.phase(recipe.name, 'label');
  try {
    record.canonicalAfter = await ctx.registry.readCanonical(recipe.name);
  } catch (e) {
    return fail(`cannot re-read the registry record after promote: ${message(e)}`);
  }
  return label();
}

type Disk = { usedBytes: number; budgetBytes: number } | null;

/** The warm volumes against diskBudgetGiB, read per decision so a seed promoted earlier counts. */
async function diskFor(ctx: RecipeContext, recipe: string): Promise<Disk> {
  if (ctx.config.diskBudgetGiB === null) return null;
  try {
    const { usedBytes, budgetBytes } = await ctx.registry.diskUsage(ctx.config.diskBudgetGiB);
    return budgetBytes === null ? null : { usedBytes, budgetBytes };
  } catch (e) {
    ctx.warn(recipe, `could not sum the warm volumes against diskBudgetGiB: ${message(e)}`);
    return null;
  }
}

function decideFor(ctx: RecipeContext, recipe: ResolvedRecipe, before: CanonicalView | null, tags: readonly TagRef[], busy: boolean, disk: Disk = null): Decision {
  return decide({
    recipe: recipe.name,
    enrolled: recipe.enrolled,
    ...(recipe.reason === null ? {} : { notEnrolledReason: recipe.reason }),
    tags,
    canonical: before,
    blocked: recipe.block,
    busy,
    force: ctx.force,
    includePrereleases: ctx.config.includePrereleases,
    disk,
  });
}

async function recordAttempt(ctx: RecipeContext, entry: RecipeRun): Promise<void> {
  if (entry.tested === null || entry.outcome === null) return;
  try {
    await ctx.registry.writeAttempt(entry.recipe, {
      schema: 1, recipe: entry.recipe, runId: ctx.runId, ts: new Date().toISOString(),
      version: entry.tested.version, tag: entry.tested.tag, commit: entry.tested.commit,
      outcome: entry.outcome, detail: entry.detail,
    });
  } catch (e) {
    ctx.warn(entry.recipe, `could not write attempt.json: ${message(e)}`);
  }
}
