import { relative } from 'node:path';
import { evaluateGate } from '@canon/promote-gate';
import { decide, isReleaseTag, waiverFor, type Decision, type DecisionInput, type TagRef } from '@canon/trigger';
import type { CanonicalView, Registry, RecipeRun, RunStore } from '@canon/warm-registry';
import type { TestedRelease } from '../command-values.js';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import type { Executor } from '../executor/executor.js';
import type { Promoter } from '../promote/promoter.js';
import { checkBusy } from './busy-check.js';
import { canonicalChangedProblem } from '../promote/test-promoter.js';
import { checkoutMovedProblem, checkOutRelease } from './check-out-release.js';
import { newRecipeRecord, recipeRunOf } from './recipe-record.js';
import { judgeSuite } from '../verdicts/judge-suite.js';
import { prepareVerdicts } from '../verdicts/prepare.js';
import { sweepRevisionRunner } from '../verdicts/suite-revision.js';
import { labelOf, recordVerdict, type Revisions } from '../verdicts/record-verdict.js';
import type { RecipeVerdicts } from '../verdicts/verdict-input.js';
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
  /** Tiers, holds, protected domain and promote mode for `decide` (the approvals come with the verdicts); absent: none of them. */
  decisionInputs?: (recipe: ResolvedRecipe) => Partial<DecisionInput>;
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
  let revs: Revisions | null = null;
  const label = async (): Promise<RecipeRun> => {
    record.label = labelOf(record, ctx.runId);
    const entry = recipeRunOf(record);
    if (entry.tested !== null) await recordAttempt(ctx, entry);
    await recordVerdict(ctx, record, entry, revs);
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
    record.decision = decideFor(ctx, recipe, before, [], false, null, null);
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

  ctx.phase(recipe.name, 'verdicts');
  const runRevision = sweepRevisionRunner(ctx.config, recipe, { runId: ctx.runId, logFile: () => log('suite-revision'), signal: ctx.signal });
  const prepared = await prepareVerdicts({ config: ctx.config, registry: ctx.registry, recipe, runRevision });
  if (!prepared.ok) return fail(prepared.detail);
  revs = prepared.revs;
  for (const w of prepared.loaded.warnings) ctx.warn(recipe.name, w);

  ctx.phase(recipe.name, 'decide');
  const inputs = ctx.decisionInputs?.(recipe) ?? {};
  const decision = decideFor(ctx, recipe, before, sync.sync.tags, busy, prepared.loaded, await diskFor(ctx, recipe.name), inputs);
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
  const testStartedAt = new Date();
  const test = await runTest(ctx.executor, {
    kind: 'test', recipe, release, upgradeBase, previousVersion, suiteRev: prepared.revs.suiteRev, suiteRevision: prepared.revision,
    runId: ctx.runId, runDir: ctx.store.dir, logFile: log('test'), signal: ctx.signal,
  }, record, log);
  if (!test.ok) return fail(test.failure);
  const moved = await checkoutMovedProblem(release);
  if (moved !== null) return fail(moved);
  const { waiver, expired } = waiverFor(recipe.waive, latest, new Date());
  for (const w of expired) ctx.warn(recipe.name, `waiver for ${w.version} (expires ${w.expires}) has expired and is ignored`);
  await judgeSuite({
    config: ctx.config, recipe, executor: ctx.executor, before, runId: ctx.runId, runDir: ctx.store.dir, suiteRev: prepared.revs.suiteRev,
    signal: ctx.signal, waived: waiver !== null, logFor: log,
  }, test.suite, record);

  ctx.phase(recipe.name, 'gate');
  const gate = evaluateGate({
    enrolled: recipe.enrolled, exitCode: test.suite.result.exitCode, quick: false, ref: null,
    tagged: isReleaseTag(latest.name, { includePrereleases: ctx.config.includePrereleases }),
    waiver,
  });
  record.gate = gate;
  if (!gate.promote && recipe.promote?.by === 'test') {
    try {
      const changed = await canonicalChangedProblem(ctx.registry, recipe.name, before, test.suite.result.exitCode === 0);
      if (changed !== null) return fail(changed);
    } catch (e) {
      return fail(`cannot re-read the registry record after the test: ${message(e)}`);
    }
  }

  if (gate.promote && record.verdictNote?.held !== true) {
    ctx.phase(recipe.name, 'promote');
    try {
      // The promoter logs every promote step to <runDir>/<recipe>/promote.log.
      log('promote');
      record.promote = await ctx.promoter.promote({
        recipe, tested: release, upgradeBase, canonicalBefore: before, runId: ctx.runId, runDir: ctx.store.dir,
        signal: ctx.signal, onPhase: (p) => ctx.phase(recipe.name, p), testStartedAt,
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

function decideFor(
  ctx: RecipeContext, recipe: ResolvedRecipe, before: CanonicalView | null, tags: readonly TagRef[], busy: boolean,
  known: RecipeVerdicts | null, disk: Disk, inputs: Partial<DecisionInput> = {},
): Decision {
  return decide({
    ...(known === null ? {} : { verdicts: known.verdicts, approvals: known.approvals, now: new Date() }),
    ...inputs,
    recipe: recipe.name,
    enrolled: recipe.enrolled,
    ...(recipe.reason === null ? {} : { notEnrolledReason: recipe.reason }),
    tags,
    canonical: before,
    blocked: recipe.block,
    busy,
    protectedDomain: recipe.promote !== null && ctx.config.protectedDomains.includes(recipe.promote.domain),
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
