import { join } from 'node:path';
import type { HistoryEvent, Registry } from '@canon/warm-registry';
import type { PromoteSpec, ResolvedConfig } from '../config/index.js';
import type { StepFailure } from './internal/promote-steps.js';
import { recheckBusy } from './internal/busy-recheck.js';
import { takePromoteLocks } from './internal/promote-locks.js';
import { deployAndRecord, promoteStepContext } from './internal/deploy-and-record.js';
import { budget, logLine, runStep } from './internal/promote-steps.js';
import { rollBack } from './internal/rollback.js';
import { measureVolume } from './internal/volume-size.js';
import { createCanonPromoter, type PromoteInput } from './promote.js';
import type { Promoter, PromoteResult } from './promoter.js';

/** The promoter for every recipe: `promote.mode: "live"` ones go to the live promoter, the rest to canon's warm one. */
export function createPromoter(deps: { config: ResolvedConfig; registry: Registry }): Promoter {
  const warm = createCanonPromoter(deps);
  return {
    promote: (request) => (request.recipe.promote?.mode === 'live' ? promoteLive({ ...request, ...deps }) : warm.promote(request)),
  };
}

type Attempt = { ok: true; warnings: string[]; warmVolumeBytes: number | null } | { ok: false; failure: StepFailure; touched: boolean };

/**
 * The promote of shared infrastructure whose warm domain is the live service (SPEC "Promote",
 * `mode: "live"`): the app lock and every `promote.locks` flock, `busyCheck` again, then never a
 * teardown or a park, `backup` before anything is touched, then deploy,
 * health (and `health.also`), verify, snapshot and record. Any failure after the backup runs
 * `restore` and redeploys the previous canonical, whatever `rollback` says. A live recipe is
 * never seeded: what already runs there is recorded with `canon adopt`.
 */
export async function promoteLive(input: PromoteInput): Promise<PromoteResult> {
  const started = performance.now();
  const mode = input.canonicalBefore === null ? 'seed' : 'advance';
  const finish = (r: Omit<PromoteResult, 'durationMs' | 'mode'>): PromoteResult => ({ ...r, mode, durationMs: Math.round(performance.now() - started) });
  const refused = (reason: string, detail: string) => finish({ ok: false, timedOut: false, reason, rollback: null, warnings: [], warmVolumeBytes: null, detail });
  const spec = input.recipe.promote;
  if (spec === null) return refused('not-configured', 'the recipe has no promote section');
  const previous = input.canonicalBefore;
  if (previous === null) {
    return refused('protected-domain', `${spec.domain} is a live service with no canonical yet: canon never seeds it; record what runs there with \`canon adopt\``);
  }
  const logFile = join(input.runDir, input.recipe.name, 'promote.log');
  const history = (type: string, extra: Partial<HistoryEvent> = {}) =>
    input.registry.appendHistory(input.recipe.name, {
      type, ts: new Date().toISOString(), runId: input.runId, version: input.tested.version, commit: input.tested.commit, domain: spec.domain, ...extra,
    });

  input.onPhase?.('promote:lock');
  const taken = await takePromoteLocks({ config: input.config, spec, recipe: input.recipe.name, runId: input.runId, signal: input.signal });
  if (!taken.ok) {
    const { reason, detail } = taken.refusal;
    logLine(logFile, `live promote not started (${reason}): ${detail}`);
    await history('advance-failed', { detail: `${reason}: ${detail}` });
    return refused(reason, detail);
  }
  const lock = taken.locks;
  try {
    const attempt = await advanceUnderLock(input, spec, logFile);
    if (attempt.ok) return finish({ ok: true, timedOut: false, reason: null, rollback: null, warnings: attempt.warnings, warmVolumeBytes: attempt.warmVolumeBytes });
    const { failure } = attempt;
    logLine(logFile, `live promote failed (${failure.reason}): ${failure.detail}; the canonical record is unchanged`);
    await history('advance-failed', { detail: `${failure.reason}: ${failure.detail}` });
    const rollback =
      attempt.touched && !failure.interrupted && input.signal?.aborted !== true
        ? await rollBack({ input, spec, previous, logFile, history })
        : null;
    return finish({ ok: false, timedOut: failure.timedOut, reason: failure.reason, rollback, warnings: [], warmVolumeBytes: null, detail: failure.detail });
  } finally {
    await lock.release();
  }
}

async function advanceUnderLock(input: PromoteInput, spec: PromoteSpec, logFile: string): Promise<Attempt> {
  const { tested, recipe } = input;
  const fail = (failure: StepFailure, touched = true): Attempt => ({ ok: false, failure, touched });
  // Before the backup: nothing is touched yet, so a busy recipe is simply retried next sweep.
  const busy = await recheckBusy({ ...input, logFile });
  if (busy !== null) return fail(busy, false);
  const limit = budget(spec.timeoutSeconds, input.signal);
  try {
    const ctx = promoteStepContext(input, spec, 'advance', logFile, limit);
    if (spec.backup === null) {
      return fail({ reason: 'backup-failed', detail: 'promote.mode "live" needs promote.backup', timedOut: false, interrupted: false }, false);
    }
    input.onPhase?.('promote:backup');
    const backup = await runStep(ctx, 'backup', spec.backup);
    // Nothing was touched yet: no restore, no rollback, and the run may simply retry next sweep.
    if (!backup.ok) return fail(backup.failure.reason === 'backup-failed' ? backup.failure : { ...backup.failure, reason: 'backup-failed' }, false);
    const recorded = await deployAndRecord(input, ctx);
    if (!recorded.ok) return fail(recorded.failure);
    const { warnings } = recorded;
    logLine(logFile, `promoted ${recipe.name} ${tested.version} (${tested.commit}) on the live ${spec.domain}`);
    return { ok: true, warnings, warmVolumeBytes: await measureVolume({ registry: input.registry, recipe: recipe.name, ctx, warnings, onPhase: input.onPhase }) };
  } finally {
    limit.dispose();
  }
}
