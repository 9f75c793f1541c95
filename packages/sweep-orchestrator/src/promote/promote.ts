import { join } from 'node:path';
import type { HistoryEvent, Registry } from '@canon/warm-registry';
import { commandValues } from '../command-values.js';
import type { PromoteSpec, ResolvedConfig } from '../config/index.js';
import { checkBusy } from '../sweep/busy-check.js';
import { takePromoteLocks } from './internal/promote-locks.js';
import type { StepContext, StepFailure } from './internal/promote-steps.js';
import { budget, checkHealth, logLine, runStep } from './internal/promote-steps.js';
import { rollBack, undoSeed } from './internal/rollback.js';
import { seedRefusal } from './internal/seed-guard.js';
import type { Promoter, PromoteRequest, PromoteResult } from './promoter.js';

const FULL_OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
/** Seeds canon declined before running anything against the domain. */
const SEED_REFUSALS = new Set(['protected-domain', 'domain-in-use']);
/** Failures before any promote command ran: nothing was deployed, so there is nothing to roll back. */
const NOTHING_RAN = new Set([...SEED_REFUSALS, 'busy']);

export type PromoteInput = PromoteRequest & { config: ResolvedConfig; registry: Registry };

/** Today's promoter: canon itself deploys the warm canonical with the recipe's promote commands. */
export function createCanonPromoter(deps: { config: ResolvedConfig; registry: Registry }): Promoter {
  return { promote: (request) => promoteRecipe({ ...request, ...deps }) };
}

/**
 * The warm deploy of a tested, gated release (SPEC "Promote"). The canonical record is written
 * only when deploy, health, verify and snapshot all succeeded; on any other path it is not
 * touched. The app lock is released on every path.
 */
export async function promoteRecipe(input: PromoteInput): Promise<PromoteResult> {
  const started = performance.now();
  const mode = input.canonicalBefore === null ? 'seed' : 'advance';
  const spec = input.recipe.promote;
  const finish = (r: Omit<PromoteResult, 'durationMs' | 'mode'>): PromoteResult => ({
    ...r,
    mode,
    durationMs: Math.round(performance.now() - started),
  });
  if (spec === null) {
    return finish({ ok: false, timedOut: false, reason: 'not-configured', rollback: null, warnings: [], warmVolumeBytes: null, detail: 'the recipe has no promote section' });
  }
  const logFile = join(input.runDir, input.recipe.name, 'promote.log');
  const failedType = mode === 'seed' ? 'seed-failed' : 'advance-failed';
  const history = (type: string, extra: Partial<HistoryEvent> = {}) =>
    input.registry.appendHistory(input.recipe.name, {
      type,
      ts: new Date().toISOString(),
      runId: input.runId,
      version: input.tested.version,
      commit: input.tested.commit,
      domain: spec.domain,
      ...extra,
    });
  const failureWarnings: string[] = [];
  // On a failure path the registry may be what failed (full or read-only): a history line
  // that cannot be written is a warning, never a reason to skip the undo that follows.
  const note = async (type: string, extra: Partial<HistoryEvent> = {}): Promise<void> => {
    try {
      await history(type, extra);
    } catch (error) {
      failureWarnings.push(`could not append "${type}" to the history: ${(error as Error).message}`);
    }
  };

  input.onPhase?.('promote:lock');
  const taken = await takePromoteLocks({ config: input.config, spec, recipe: input.recipe.name, runId: input.runId, signal: input.signal });
  if (!taken.ok) {
    const { reason, detail } = taken.refusal;
    logLine(logFile, `promote not started (${reason}): ${detail}`);
    await note(failedType, { detail: `${reason}: ${detail}` });
    return finish({ ok: false, timedOut: false, reason, rollback: null, warnings: failureWarnings, warmVolumeBytes: null, detail });
  }
  const lock = taken.locks;

  try {
    const attempt = await promoteUnderLock(input, spec, mode, logFile);
    if (attempt.ok) {
      return finish({ ok: true, timedOut: false, reason: null, rollback: null, warnings: attempt.warnings, warmVolumeBytes: attempt.warmVolumeBytes });
    }
    const { failure } = attempt;
    logLine(logFile, `promote failed (${failure.reason}): ${failure.detail}; the canonical record is unchanged`);
    await note(SEED_REFUSALS.has(failure.reason) ? 'seed-refused' : failedType, { detail: `${failure.reason}: ${failure.detail}` });
    // A refusal before anything was deployed (locks, busy, domain-in-use) has nothing to undo.
    const rollback = NOTHING_RAN.has(failure.reason) ? null : await undo(input, spec, failure, logFile, note);
    return finish({
      ok: false,
      timedOut: failure.timedOut,
      reason: failure.reason,
      rollback,
      warnings: failureWarnings,
      warmVolumeBytes: null,
      detail: failure.detail,
    });
  } finally {
    await lock.release();
  }
}

/**
 * What a failed promote leaves on the domain. A deploy whose record could not be written is
 * always undone (SPEC: nothing runs that the registry does not name): an advance goes back
 * to the previous canonical, a seed is torn down. Any other failure rolls back only when
 * `rollback` is set and the sweep is not stopping.
 */
async function undo(
  input: PromoteInput,
  spec: PromoteSpec,
  failure: StepFailure,
  logFile: string,
  history: (type: string, extra?: Partial<HistoryEvent>) => Promise<void>,
): Promise<PromoteResult['rollback']> {
  const previous = input.canonicalBefore;
  if (failure.reason === 'record-write-failed') {
    return previous === null ? undoSeed({ input, spec, logFile, history }) : rollBack({ input, spec, previous, logFile, history });
  }
  const stopping = failure.interrupted || input.signal?.aborted === true;
  return spec.rollback && previous !== null && !stopping ? rollBack({ input, spec, previous, logFile, history }) : null;
}

async function promoteUnderLock(
  input: PromoteInput,
  spec: PromoteSpec,
  mode: 'seed' | 'advance',
  logFile: string,
): Promise<{ ok: true; warnings: string[]; warmVolumeBytes: number | null } | { ok: false; failure: StepFailure }> {
  const { tested, recipe } = input;
  const fail = (failure: StepFailure) => ({ ok: false as const, failure });
  // Another CI run may have taken the recipe during canon's hour-long test: it holds the app now.
  input.onPhase?.('promote:busy-check');
  const busy = await checkBusy({
    config: input.config, recipe, runId: input.runId, runDir: input.runDir, logFile, signal: input.signal ?? new AbortController().signal,
  }).catch((error: unknown) => ({ busy: true, detail: `busyCheck could not run: ${(error as Error).message}` }));
  if (input.signal?.aborted === true) return fail({ reason: 'interrupted', detail: 'the sweep was interrupted before the promote', timedOut: false, interrupted: true });
  if (busy.busy) return fail({ reason: 'busy', detail: `${busy.detail} (checked again after the test, before the promote)`, timedOut: false, interrupted: false });
  if (mode === 'seed') {
    input.onPhase?.('promote:seed-check');
    const refused = await seedRefusal({ config: input.config, spec, recipe: recipe.name, logFile, signal: input.signal });
    if (refused !== null) return fail(refused);
  }
  const limit = budget(spec.timeoutSeconds, input.signal);
  try {
    const ctx: StepContext = {
      config: input.config,
      spec,
      mode,
      runId: input.runId,
      values: commandValues({
        kind: 'promote',
        mode,
        recipe: recipe.name,
        runId: input.runId,
        runDir: input.runDir,
        release: tested,
        upgradeBase: input.upgradeBase,
        previousVersion: input.canonicalBefore?.version ?? null,
        domain: spec.domain,
        env: spec.env,
      }),
      cwd: tested.checkout,
      logFile,
      deadline: limit.deadline,
      signal: limit.signal,
      interrupted: limit.interrupted,
    };
    const phase = (name: string) => input.onPhase?.(`promote:${name}`);

    if (mode === 'seed' && spec.teardown !== null) {
      phase('teardown');
      const step = await runStep(ctx, 'teardown', spec.teardown);
      if (!step.ok) return fail(step.failure);
    }
    phase('deploy');
    const deploy = await runStep(ctx, 'deploy', spec.deploy);
    if (!deploy.ok) return fail(deploy.failure);
    phase('health');
    const unhealthy = await checkHealth(ctx);
    if (unhealthy !== null) return fail(unhealthy);
    if (spec.verify !== null) {
      phase('verify');
      const verify = await runStep(ctx, 'verify', spec.verify, true);
      if (!verify.ok) return fail(verify.failure);
      const printed = verify.result.stdout.trim();
      if (printed !== tested.version) {
        return fail({
          reason: 'verify-mismatch',
          detail: `verify printed "${printed.slice(0, 200)}" but the tested version is "${tested.version}"`,
          timedOut: false,
          interrupted: false,
        });
      }
    }
    if (spec.snapshotAfterPark && spec.park !== null) {
      // cc-ci snapshots the volumes while the stack is down: the park is part of the promote.
      phase('park');
      const park = await runStep(ctx, 'park', spec.park);
      if (!park.ok) return fail(park.failure);
    }
    if (spec.snapshot !== null) {
      phase('snapshot');
      const snapshot = await runStep(ctx, 'snapshot', spec.snapshot);
      if (!snapshot.ok) return fail(snapshot.failure);
    }
    if (limit.signal.aborted || performance.now() >= limit.deadline) {
      const interrupted = limit.interrupted();
      return fail({
        reason: interrupted ? 'interrupted' : 'timed-out',
        detail: interrupted ? 'the sweep was interrupted before the record was written' : 'promote.timeoutSeconds ran out before the record was written',
        timedOut: !interrupted,
        interrupted,
      });
    }

    phase('record');
    const warnings: string[] = [];
    const before = input.canonicalBefore;
    // The record holds full object ids; a legacy record with another kind of commit string
    // must not block every future promotion, so it is left out of `previous` and reported.
    const previous =
      before === null ? null : FULL_OID.test(before.commit) ? { version: before.version, commit: before.commit } : null;
    if (before !== null && previous === null) {
      warnings.push(`the previous canonical's commit "${before.commit}" is not a full object id; previous is recorded as null`);
    }
    try {
      await input.registry.writeCanonical({
        schema: 1,
        recipe: recipe.name,
        version: tested.version,
        tag: tested.tag,
        commit: tested.commit,
        status: 'canonical',
        ts: new Date().toISOString(),
        domain: spec.domain,
        runId: input.runId,
        previous,
      });
    } catch (error) {
      const detail = (error as Error).message;
      // In ci-warm format last_good follows canonical.json: when only it failed, the canonical
      // already names what runs, so the promotion stands and nothing may be undone.
      if (!(await canonicalNames(input))) return fail({ reason: 'record-write-failed', detail, timedOut: false, interrupted: false });
      warnings.push(`canonical.json names ${tested.version}, but the rest of the record could not be written: ${detail}`);
    }
    try {
      await input.registry.appendHistory(recipe.name, {
        type: 'promoted',
        ts: new Date().toISOString(),
        runId: input.runId,
        version: tested.version,
        commit: tested.commit,
        previous,
        domain: spec.domain,
      });
    } catch (error) {
      // canonical.json names what runs: the promotion stands, only its history line is missing.
      warnings.push(`the promotion stands, but its history line could not be written: ${(error as Error).message}`);
    }
    logLine(logFile, `promoted ${recipe.name} ${tested.version} (${tested.commit})`);
    const after = await afterPromotion(input, spec, ctx);
    return { ok: true, warnings: [...warnings, ...after.warnings], warmVolumeBytes: after.warmVolumeBytes };
  } finally {
    limit.dispose();
  }
}

/** True when the registry now holds the tested release as written by this run. */
async function canonicalNames(input: PromoteInput): Promise<boolean> {
  const now = await input.registry.readCanonical(input.recipe.name).catch(() => null);
  return now !== null && now.version === input.tested.version && now.commit === input.tested.commit && now.runId === input.runId;
}

/** park (unless it ran before the snapshot) and volumeSize: the promotion already stands, so their failures are warnings. */
async function afterPromotion(
  input: PromoteInput,
  spec: PromoteSpec,
  ctx: StepContext,
): Promise<{ warnings: string[]; warmVolumeBytes: number | null }> {
  const warnings: string[] = [];
  if (spec.park !== null && !spec.snapshotAfterPark) {
    input.onPhase?.('promote:park');
    const park = await runStep(ctx, 'park', spec.park);
    if (!park.ok) {
      warnings.push(`park failed (the promotion stands): ${park.failure.detail}`);
      await input.registry
        .appendHistory(input.recipe.name, {
          type: 'park-failed',
          ts: new Date().toISOString(),
          runId: input.runId,
          version: input.tested.version,
          commit: input.tested.commit,
          domain: spec.domain,
          detail: park.failure.detail,
        })
        .catch((error: unknown) => warnings.push(`could not append "park-failed" to the history: ${(error as Error).message}`));
    }
  }
  let warmVolumeBytes: number | null = null;
  if (spec.volumeSize !== null) {
    input.onPhase?.('promote:volume-size');
    const size = await runStep(ctx, 'volumeSize', spec.volumeSize, true);
    const printed = size.ok ? size.result.stdout.trim() : '';
    if (!size.ok) warnings.push(`volumeSize failed: ${size.failure.detail}`);
    else if (!/^\d+$/.test(printed)) warnings.push(`volumeSize printed "${printed.slice(0, 80)}", not a number of bytes`);
    else {
      warmVolumeBytes = Number(printed);
      await input.registry
        .recordVolumeBytes(input.recipe.name, warmVolumeBytes)
        .catch((error: unknown) => warnings.push(`could not record the volume size: ${(error as Error).message}`));
    }
  }
  return { warnings, warmVolumeBytes };
}
