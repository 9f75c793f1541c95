import { join } from 'node:path';
import type { HistoryEvent, Registry } from '@canon/warm-registry';
import { acquireAppLock } from '@canon/warm-registry';
import { commandValues } from '../command-values.js';
import type { PromoteSpec, ResolvedConfig } from '../config/index.js';
import type { StepContext, StepFailure } from './internal/promote-steps.js';
import { budget, checkHealth, logLine, runStep } from './internal/promote-steps.js';
import { recordPromotion } from './internal/record-promotion.js';
import { rollBack } from './internal/rollback.js';
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
 * `mode: "live"`): never a teardown or a park, `backup` before anything is touched, then deploy,
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
  let lock: { release(): Promise<void> };
  try {
    lock = await acquireAppLock({
      stateDir: input.config.stateDir, domain: spec.domain, runId: input.runId, staleSeconds: input.config.lockStaleSeconds, recipe: input.recipe.name,
    });
  } catch (error) {
    const detail = `could not take the app lock of ${spec.domain}: ${(error as Error).message}`;
    await history('advance-failed', { detail });
    return refused('app-locked', detail);
  }
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
  const limit = budget(spec.timeoutSeconds, input.signal);
  const fail = (failure: StepFailure, touched = true): Attempt => ({ ok: false, failure, touched });
  try {
    const ctx: StepContext = {
      config: input.config, spec, mode: 'advance', runId: input.runId,
      values: commandValues({
        kind: 'promote', mode: 'advance', recipe: recipe.name, runId: input.runId, runDir: input.runDir, release: tested,
        upgradeBase: input.upgradeBase, previousVersion: input.canonicalBefore?.version ?? null, domain: spec.domain, env: spec.env,
      }),
      cwd: tested.checkout, logFile, deadline: limit.deadline, signal: limit.signal, interrupted: limit.interrupted,
    };
    const phase = (name: string) => input.onPhase?.(`promote:${name}`);
    if (spec.backup === null) {
      return fail({ reason: 'backup-failed', detail: 'promote.mode "live" needs promote.backup', timedOut: false, interrupted: false }, false);
    }
    phase('backup');
    const backup = await runStep(ctx, 'backup', spec.backup);
    // Nothing was touched yet: no restore, no rollback, and the run may simply retry next sweep.
    if (!backup.ok) return fail(backup.failure.reason === 'backup-failed' ? backup.failure : { ...backup.failure, reason: 'backup-failed' }, false);
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
        return fail({ reason: 'verify-mismatch', detail: `verify printed "${printed.slice(0, 200)}" but the tested version is "${tested.version}"`, timedOut: false, interrupted: false });
      }
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
        timedOut: !interrupted, interrupted,
      });
    }
    phase('record');
    let warnings: string[];
    try {
      ({ warnings } = await recordPromotion({ registry: input.registry, request: input, domain: spec.domain, tested }));
    } catch (error) {
      return fail({ reason: 'record-write-failed', detail: (error as Error).message, timedOut: false, interrupted: false });
    }
    logLine(logFile, `promoted ${recipe.name} ${tested.version} (${tested.commit}) on the live ${spec.domain}`);
    return { ok: true, warnings, warmVolumeBytes: await volumeSize(input, spec, ctx, warnings) };
  } finally {
    limit.dispose();
  }
}

async function volumeSize(input: PromoteInput, spec: PromoteSpec, ctx: StepContext, warnings: string[]): Promise<number | null> {
  if (spec.volumeSize === null) return null;
  input.onPhase?.('promote:volume-size');
  const size = await runStep(ctx, 'volumeSize', spec.volumeSize, true);
  const printed = size.ok ? size.result.stdout.trim() : '';
  if (!size.ok) warnings.push(`volumeSize failed: ${size.failure.detail}`);
  else if (!/^\d+$/.test(printed)) warnings.push(`volumeSize printed "${printed.slice(0, 80)}", not a number of bytes`);
  else {
    await input.registry.recordVolumeBytes(input.recipe.name, Number(printed));
    return Number(printed);
  }
  return null;
}
