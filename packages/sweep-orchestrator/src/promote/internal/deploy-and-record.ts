import type { Registry } from '@canon/warm-registry';
import { commandValues, type PromoteMode } from '../../command-values.js';
import type { PromoteSpec, ResolvedConfig } from '../../config/index.js';
import type { PromoteRequest } from '../promoter.js';
import type { Budget, StepContext, StepFailure } from './promote-steps.js';
import { checkHealth, runStep, stoppedBeforeRecord, verifyVersion } from './promote-steps.js';
import { recordPromotion } from './record-promotion.js';

export type DeployInput = PromoteRequest & { config: ResolvedConfig; registry: Registry };

/** The step context of one promote: its commands' values, the checkout, the log and the budget. */
export function promoteStepContext(
  input: DeployInput,
  spec: PromoteSpec,
  mode: PromoteMode,
  logFile: string,
  limit: Budget,
): StepContext {
  return {
    config: input.config, spec, mode, runId: input.runId,
    values: commandValues({
      kind: 'promote', mode, recipe: input.recipe.name, runId: input.runId, runDir: input.runDir, release: input.tested,
      upgradeBase: input.upgradeBase, previousVersion: input.canonicalBefore?.version ?? null, domain: spec.domain, env: spec.env,
    }),
    cwd: input.tested.checkout, logFile, deadline: limit.deadline, signal: limit.signal, interrupted: limit.interrupted,
  };
}

/**
 * SPEC "Promote" steps 4–8, the same for the warm and the live promoter: deploy, health (and
 * `health.also`), verify, [park first with `snapshotAfterPark`], snapshot, then the record —
 * written only when every step passed and the budget is not spent.
 */
export async function deployAndRecord(input: DeployInput, ctx: StepContext): Promise<{ ok: true; warnings: string[] } | { ok: false; failure: StepFailure }> {
  const { spec } = ctx;
  const fail = (failure: StepFailure) => ({ ok: false as const, failure });
  const phase = (name: string) => input.onPhase?.(`promote:${name}`);
  phase('deploy');
  const deploy = await runStep(ctx, 'deploy', spec.deploy);
  if (!deploy.ok) return fail(deploy.failure);
  phase('health');
  const unhealthy = await checkHealth(ctx);
  if (unhealthy !== null) return fail(unhealthy);
  if (spec.verify !== null) {
    phase('verify');
    const wrong = await verifyVersion(ctx, spec.verify, input.tested.version);
    if (wrong !== null) return fail(wrong);
  }
  if (spec.snapshotAfterPark && spec.park !== null && spec.mode !== 'live') {
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
  const stopped = stoppedBeforeRecord(ctx);
  if (stopped !== null) return fail(stopped);
  phase('record');
  try {
    return { ok: true, ...(await recordPromotion({ registry: input.registry, request: input, domain: spec.domain, tested: input.tested })) };
  } catch (error) {
    return fail({ reason: 'record-write-failed', detail: (error as Error).message, timedOut: false, interrupted: false });
  }
}
