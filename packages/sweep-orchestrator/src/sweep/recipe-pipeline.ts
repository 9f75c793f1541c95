import { join, relative } from 'node:path';
import { checkoutTag } from '@canon/mirror-sync';
import { deriveOutcome, evaluateGate, type GateVerdict, type OutcomeInput } from '@canon/promote-gate';
import { decide, isReleaseTag, type Decision, type TagRef, versionOfTag } from '@canon/trigger';
import type { CanonicalView, Registry, RecipeRun, RunStore } from '@canon/warm-registry';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { promoteRecipe, type PromoteResult } from '../promote.js';
import type { CommandResult } from '../run-command.js';
import type { Prepared } from './prepare.js';
import { pendingRecipeRun, refOf } from './recipe-run.js';
import { mirrorAuth } from './remotes.js';
import { checkBusy, runTest } from './steps.js';
import { chooseUpgradeBase } from './upgrade-base.js';

export type RecipeContext = {
  config: ResolvedConfig;
  registry: Registry;
  store: RunStore;
  runId: string;
  force: boolean;
  signal: AbortSignal;
  phase: (recipe: string, phase: string) => void;
  warn: (recipe: string, message: string) => void;
  /** Called whenever the entry changed, so run.json follows the sweep as it goes; `urgent`
   * waits until the change is on disk (before a long step, and for a tested recipe's label). */
  update: (entry: RecipeRun, urgent?: boolean) => Promise<void>;
};

type Facts = Omit<OutcomeInput, 'runId'>;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * One recipe through the sweep: sync → busyCheck → decide → checkout → test → gate →
 * promote → label. Every failure stays inside this recipe: it ends as an outcome, never
 * as an exception that would stop the other recipes.
 */
export async function runRecipe(ctx: RecipeContext, recipe: ResolvedRecipe, prepared: () => Promise<Prepared>): Promise<RecipeRun> {
  const entry = pendingRecipeRun(recipe.name);
  const facts: Facts = {
    decision: null, syncStatus: 'not-run', error: null, testResult: null, gate: null,
    promoteResult: null, tested: null, canonicalBefore: null, canonicalAfter: null,
  };
  let rollbackNote = '';
  const log = (step: string): string => {
    const file = ctx.store.logPath(recipe.name, step);
    entry.logs[step] = relative(ctx.store.dir, file);
    return file;
  };
  const label = async (): Promise<RecipeRun> => {
    const { outcome, detail } = deriveOutcome({ runId: ctx.runId, ...facts });
    entry.outcome = outcome;
    entry.detail = `${detail}${rollbackNote}`;
    entry.canonicalBefore = facts.canonicalBefore;
    entry.canonicalAfter = facts.canonicalAfter;
    entry.tested = facts.tested;
    if (facts.tested !== null) await recordAttempt(ctx, entry);
    await ctx.update(entry, facts.tested !== null);
    return entry;
  };
  const fail = (what: string): Promise<RecipeRun> => {
    facts.error = what;
    return label();
  };

  ctx.phase(recipe.name, 'registry');
  let before: CanonicalView | null;
  try {
    before = await ctx.registry.readCanonical(recipe.name);
  } catch (e) {
    // A recipe that is not enrolled is skipped whatever its record holds.
    if (!recipe.enrolled) before = null;
    else return fail(`cannot read the registry record: ${message(e)} (file left untouched)`);
  }
  facts.canonicalBefore = refOf(before);
  facts.canonicalAfter = facts.canonicalBefore;

  if (!recipe.enrolled) {
    setDecision(entry, facts, decideFor(ctx, recipe, before, [], false));
    return label();
  }

  ctx.phase(recipe.name, 'sync');
  const prep = await prepared();
  entry.durationsMs.sync = prep.durationMs;
  if (prep.kind !== 'synced') {
    entry.sync.status = 'failed';
    if (prep.kind === 'error') return fail(`sync: ${message(prep.error)}`);
    facts.syncStatus = 'failed';
    const out = await label();
    entry.detail = `${entry.detail}: ${message(prep.error)}`;
    await ctx.update(entry);
    return out;
  }
  const { sync } = prep;
  facts.syncStatus = 'ok';
  entry.sync = { status: sync.status, changed: sync.changed, closedPulls: sync.closedPulls, warnings: sync.warnings };
  for (const w of sync.warnings) ctx.warn(recipe.name, w.message);
  await ctx.update(entry);

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
  const decision = decideFor(ctx, recipe, before, sync.tags, busy);
  setDecision(entry, facts, decision);
  for (const w of decision.warnings) ctx.warn(recipe.name, w);
  if (decision.action === 'skip') return label();

  const tag = decision.latest;
  const tested = { version: versionOfTag(tag.name), tag: tag.name, commit: tag.commit };
  facts.tested = tested;
  entry.tested = tested;
  entry.detail = `testing ${tag.name}`;
  await ctx.update(entry, true);

  ctx.phase(recipe.name, 'checkout');
  let checkout: string;
  try {
    const auth = mirrorAuth(ctx.config);
    const out = await checkoutTag({
      url: recipe.mirror, tag: tag.name, commit: tag.commit, dir: join(ctx.config.workDir, 'checkouts', recipe.name),
      ...(auth === null ? {} : { auth }),
    });
    if (out.commit !== tag.commit) return fail(`checkout of ${tag.name} has HEAD ${out.commit}, not the tag's commit ${tag.commit}`);
    checkout = out.dir;
  } catch (e) {
    return fail(`checkout of ${tag.name} failed: ${message(e)}`);
  }

  ctx.phase(recipe.name, 'test');
  const base = chooseUpgradeBase(before?.version ?? null, sync.tags.map((t) => t.name), tested.version, ctx.config.includePrereleases);
  let test: CommandResult;
  try {
    test = await runTest({
      config: ctx.config, recipe, runId: ctx.runId, logFile: log('test'), signal: ctx.signal,
      tested: { ...tested, checkout }, upgradeBase: base, runDir: ctx.store.dir, previousVersion: before?.version ?? null,
    });
  } catch (e) {
    return fail(`test could not run: ${message(e)}`);
  }
  entry.durationsMs.test = Math.round(test.durationMs);
  if (test.aborted) return fail(`interrupted during the test of ${tag.name}; its process tree was stopped`);
  facts.testResult = { exitCode: test.exitCode, timedOut: test.timedOut };

  ctx.phase(recipe.name, 'gate');
  const gate: GateVerdict = evaluateGate({
    enrolled: recipe.enrolled, exitCode: test.exitCode, quick: false, ref: null,
    tagged: isReleaseTag(tag.name, { includePrereleases: ctx.config.includePrereleases }),
  });
  facts.gate = gate;

  if (gate.promote) {
    ctx.phase(recipe.name, 'promote');
    let result: PromoteResult;
    try {
      // promoteRecipe logs every promote step to <runDir>/<recipe>/promote.log.
      log('promote');
      result = await promoteRecipe({
        config: ctx.config, recipe, registry: ctx.registry, runId: ctx.runId, runDir: ctx.store.dir,
        tested: { ...tested, checkout }, upgradeBase: base, canonicalBefore: before, signal: ctx.signal,
        onPhase: (p) => ctx.phase(recipe.name, p),
      });
    } catch (e) {
      return fail(`promote could not run: ${message(e)}`);
    }
    entry.durationsMs.promote = Math.round(result.durationMs);
    entry.warmVolumeBytes = result.warmVolumeBytes;
    for (const w of result.warnings) ctx.warn(recipe.name, w);
    facts.promoteResult = {
      ok: result.ok, timedOut: result.timedOut,
      reason: result.detail === undefined || result.reason === null ? result.reason : `${result.reason} (${result.detail})`,
    };
    rollbackNote = describeRollback(result);
    if (result.warmVolumeBytes !== null) {
      await ctx.registry.recordVolumeBytes(recipe.name, result.warmVolumeBytes).catch((e: unknown) => {
        ctx.warn(recipe.name, `could not record warm volume size: ${message(e)}`);
      });
    }
  }

  ctx.phase(recipe.name, 'label');
  try {
    facts.canonicalAfter = refOf(await ctx.registry.readCanonical(recipe.name));
  } catch (e) {
    return fail(`cannot re-read the registry record after promote: ${message(e)}`);
  }
  return label();
}

function decideFor(ctx: RecipeContext, recipe: ResolvedRecipe, before: CanonicalView | null, tags: readonly TagRef[], busy: boolean): Decision {
  return decide({
    recipe: recipe.name,
    enrolled: recipe.enrolled,
    ...(recipe.reason === null ? {} : { notEnrolledReason: recipe.reason }),
    tags,
    canonical: before === null ? null : { version: before.version, commit: before.commit },
    blocked: recipe.block,
    busy,
    force: ctx.force,
    includePrereleases: ctx.config.includePrereleases,
  });
}

function setDecision(entry: RecipeRun, facts: Facts, d: Decision): void {
  entry.decision = { action: d.action, reason: d.reason, latest: d.latest?.name ?? null, canonical: d.canonical };
  facts.decision = { action: d.action, reason: d.reason, detail: d.detail };
}

function describeRollback(result: PromoteResult): string {
  const rb = result.rollback;
  if (rb === null || !rb.attempted) return '';
  if (rb.healthy === true) return '; rolled back to the previous canonical, which came back healthy';
  return `; rollback to the previous canonical did NOT come back healthy${rb.reason === null ? '' : ` (${rb.reason})`}`;
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
