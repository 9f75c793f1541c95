import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkoutCommit } from '@canon/mirror-sync';
import type { CanonicalView, HistoryEvent } from '@canon/warm-registry';
import type { TestedRelease } from '../../command-values.js';
import { commandValues } from '../../command-values.js';
import type { PromoteSpec } from '../../config/index.js';
import type { PromoteInput } from '../promote.js';
import type { PromoteResult } from '../promoter.js';
import { mirrorAuth } from '../../sweep/remotes.js';
import type { StepContext } from './promote-steps.js';
import { budget, checkHealth, logLine, runStep } from './promote-steps.js';

/**
 * Runs `restore` (when set) and redeploys the previous canonical after a failed promote, with its own budget of
 * promote.timeoutSeconds (the failed attempt may have used all of its own). The version values
 * are the previous canonical's, and so is the checkout: its RECORDED commit (never its tag,
 * which may have moved to the failed commit) is checked out from the mirror beside the tested
 * one. Where that cannot be done (a commit the mirror no longer reaches, a legacy record
 * without a full commit) the rollback is refused before anything runs, and the result says why.
 */
export async function rollBack(opts: {
  input: PromoteInput;
  spec: PromoteSpec;
  previous: CanonicalView;
  logFile: string;
  history: (type: string, extra?: Partial<HistoryEvent>) => Promise<void>;
}): Promise<NonNullable<PromoteResult['rollback']>> {
  const { input, spec, previous, logFile } = opts;
  await mkdir(join(input.runDir, input.recipe.name), { recursive: true });
  logLine(logFile, `rolling back ${spec.domain} to the canonical ${previous.version}`);
  input.onPhase?.('promote:rollback');
  const limit = budget(spec.timeoutSeconds, input.signal);
  try {
    const event = { version: previous.version, commit: previous.commit };
    const checkout = await checkOutPrevious(input, previous, limit.signal);
    if (!checkout.ok) {
      const reason = `rollback to ${previous.version} refused, nothing was redeployed: ${checkout.reason}`;
      await opts.history('rollback-failed', { ...event, detail: reason });
      logLine(logFile, reason);
      return { attempted: false, healthy: null, reason };
    }
    const release = { version: previous.version, tag: previous.tag, commit: previous.commit, checkout: checkout.dir };
    const ctx = rollbackContext(input, spec, limit, logFile, release, input.tested.version);
    // restore brings back what backup saved (live mode) before the previous release runs on it.
    const restore = spec.restore === null ? null : await runStep(ctx, 'restore', spec.restore);
    const deploy = restore !== null && !restore.ok ? restore : await runStep(ctx, 'rollback-deploy', spec.deploy);
    const problem = deploy.ok ? await checkHealth(ctx) : deploy.failure;
    if (problem === null) {
      await opts.history('rolled-back', { ...event, detail: `redeployed ${previous.version}; healthy` });
      logLine(logFile, `rollback to ${previous.version}: healthy`);
      return { attempted: true, healthy: true, reason: null };
    }
    const reason = `${problem.reason}: ${problem.detail}`;
    await opts.history('rollback-failed', { ...event, detail: reason });
    logLine(logFile, `rollback to ${previous.version} failed: ${reason}`);
    return { attempted: true, healthy: false, reason };
  } finally {
    limit.dispose();
  }
}

/**
 * Tears down a seed whose record could not be written: nothing may serve on the domain that
 * the registry does not name. Without a teardown command nothing can be undone; the log and
 * the result say so.
 */
export async function undoSeed(opts: {
  input: PromoteInput;
  spec: PromoteSpec;
  logFile: string;
  history: (type: string, extra?: Partial<HistoryEvent>) => Promise<void>;
}): Promise<NonNullable<PromoteResult['rollback']>> {
  const { input, spec, logFile } = opts;
  if (spec.teardown === null) {
    const reason = `no teardown is configured: the unrecorded seed of ${input.tested.version} is left on ${spec.domain}`;
    logLine(logFile, reason);
    await opts.history('rollback-failed', { detail: reason });
    return { attempted: false, healthy: null, reason };
  }
  logLine(logFile, `tearing down the unrecorded seed of ${input.tested.version} on ${spec.domain}`);
  input.onPhase?.('promote:rollback');
  const limit = budget(spec.timeoutSeconds, input.signal);
  try {
    const ctx = rollbackContext(input, spec, limit, logFile, input.tested, null);
    const step = await runStep(ctx, 'rollback-teardown', spec.teardown);
    if (step.ok) {
      await opts.history('rolled-back', { detail: `tore down the unrecorded seed of ${input.tested.version}` });
      logLine(logFile, `teardown of the unrecorded seed: done`);
      return { attempted: true, healthy: null, reason: null };
    }
    const reason = `${step.failure.reason}: ${step.failure.detail}`;
    await opts.history('rollback-failed', { detail: reason });
    logLine(logFile, `teardown of the unrecorded seed failed: ${reason}`);
    return { attempted: true, healthy: null, reason };
  } finally {
    limit.dispose();
  }
}

function rollbackContext(
  input: PromoteInput,
  spec: PromoteSpec,
  limit: ReturnType<typeof budget>,
  logFile: string,
  release: TestedRelease,
  previousVersion: string | null,
): StepContext {
  return {
    config: input.config,
    spec,
    mode: 'rollback',
    runId: input.runId,
    values: commandValues({
      kind: 'promote',
      mode: 'rollback',
      recipe: input.recipe.name,
      runId: input.runId,
      runDir: input.runDir,
      release,
      upgradeBase: null,
      previousVersion,
      domain: spec.domain,
      env: spec.env,
    }),
    // Each command runs in the checkout of the release it deploys.
    cwd: release.checkout,
    logFile,
    deadline: limit.deadline,
    signal: limit.signal,
    interrupted: limit.interrupted,
  };
}

async function checkOutPrevious(
  input: PromoteInput,
  previous: CanonicalView,
  signal: AbortSignal,
): Promise<{ ok: true; dir: string } | { ok: false; reason: string }> {
  const auth = mirrorAuth(input.config);
  try {
    const out = await checkoutCommit({
      url: input.recipe.mirror,
      commit: previous.commit,
      dir: join(input.config.workDir, 'checkouts', `${input.recipe.name}@previous`),
      ...(auth === null ? {} : { auth }),
      recipe: input.recipe.name,
      signal,
    });
    return { ok: true, dir: out.dir };
  } catch (e) {
    return { ok: false, reason: `the previous canonical's recorded commit ${previous.commit} (${previous.tag}) could not be checked out: ${e instanceof Error ? e.message : String(e)}` };
  }
}
