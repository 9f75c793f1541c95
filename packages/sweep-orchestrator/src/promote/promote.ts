import { join } from 'node:path';
import type { HistoryEvent, Registry } from '@canon/warm-registry';
import type { PromoteSpec, ResolvedConfig } from '../config/index.js';
import { recheckBusy } from './internal/busy-recheck.js';
import { takePromoteLocks } from './internal/promote-locks.js';
import type { StepContext, StepFailure } from './internal/promote-steps.js';
import { deployAndRecord, promoteStepContext } from './internal/deploy-and-record.js';
import { budget, logLine, runStep } from './internal/promote-steps.js';
import { rollBack, undoSeed } from './internal/rollback.js';
import { seedRefusal } from './internal/seed-guard.js';
import { measureVolume } from './internal/volume-size.js';
import type { Promoter, PromoteRequest, PromoteResult } from './promoter.js';

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
  const busy = await recheckBusy({ ...input, logFile });
  if (busy !== null) return fail(busy);
  if (mode === 'seed') {
    input.onPhase?.('promote:seed-check');
    const refused = await seedRefusal({ config: input.config, spec, recipe: recipe.name, logFile, signal: input.signal });
    if (refused !== null) return fail(refused);
  }
  const limit = budget(spec.timeoutSeconds, input.signal);
  try {
    const ctx = promoteStepContext(input, spec, mode, logFile, limit);
    if (mode === 'seed' && spec.teardown !== null) {
      input.onPhase?.('promote:teardown');
      const step = await runStep(ctx, 'teardown', spec.teardown);
      if (!step.ok) return fail(step.failure);
    }
    const recorded = await deployAndRecord(input, ctx);
    if (!recorded.ok) return fail(recorded.failure);
    const { warnings } = recorded;
    logLine(logFile, `promoted ${recipe.name} ${tested.version} (${tested.commit})`);
    const after = await afterPromotion(input, spec, ctx);
    return { ok: true, warnings: [...warnings, ...after.warnings], warmVolumeBytes: after.warmVolumeBytes };
  } finally {
    limit.dispose();
  }
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
  const warmVolumeBytes = await measureVolume({ registry: input.registry, recipe: input.recipe.name, ctx, warnings, onPhase: input.onPhase });
  return { warnings, warmVolumeBytes };
}
