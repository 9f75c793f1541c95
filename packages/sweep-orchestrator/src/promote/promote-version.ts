import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { deriveOutcome, evaluateGate, policyExcuses, type Outcome } from '@canon/promote-gate';
import { isReleaseTag, versionOfTag } from '@canon/trigger';
import { newRunId } from '@canon/warm-registry';
import type { TestedRelease } from '../command-values.js';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { checkOutRelease } from '../sweep/check-out-release.js';
import { mirrorTags, tagForVersion } from '../sweep/mirror-tags.js';
import { refOf } from '../sweep/recipe-record.js';
import { chooseUpgradeBase } from '../sweep/upgrade-base.js';
import { createConfiguredPromoter } from './promoter-by.js';
import type { PromoteResult } from './promoter.js';
import { openConfiguredRegistry } from '../open-registry.js';

export type PromoteVersionOptions = {
  config: ResolvedConfig;
  recipe: ResolvedRecipe;
  /** `V` or a tag name; the mirror must have it as `V` or `vV`. */
  version: string;
  quick?: boolean;
  ref?: string | null;
  signal?: AbortSignal;
  onPhase?: (phase: string) => void;
};

export type PromoteRefusal = { code: string; message: string };

export type PromoteVersionResult =
  | { refused: true; reasons: PromoteRefusal[] }
  | {
      refused: false;
      runId: string;
      outcome: Outcome;
      detail: string;
      rollback: PromoteResult['rollback'];
      warnings: string[];
    };

/**
 * `canon promote` for other CI phases after their own green run: the same gate as the sweep,
 * enforced. A version that is not a release tag on the mirror, a quick or ref run, or a
 * recipe that is not enrolled is refused with every reason and nothing is deployed;
 * otherwise the release is checked out and promoted, and labelled from the registry re-read.
 */
export async function promoteVersion(opts: PromoteVersionOptions): Promise<PromoteVersionResult> {
  const { config, recipe, version } = opts;
  // First: a missing explicit registryDir is a config error (exit 2) before anything else is asked.
  const registry = openConfiguredRegistry(config);
  const tags = await mirrorTags(config, recipe);
  const tag = tagForVersion(tags, version);
  const verdict = evaluateGate({
    enrolled: recipe.enrolled, exitCode: 0, quick: opts.quick === true, ref: opts.ref ?? null,
    tagged: tag !== null && isReleaseTag(tag.name, { includePrereleases: config.includePrereleases }),
  });
  const before = await registry.readCanonical(recipe.name);
  // Beyond the gate: the config's blocks and the canonical's order hold for other CI phases too.
  const reasons: PromoteRefusal[] = [...verdict.reasons, ...policyExcuses({ version, block: recipe.block, canonical: before?.version ?? null })];
  if (recipe.promote?.by === 'test') {
    reasons.push({ code: 'promoted-by-test', message: `recipe ${recipe.name} has promote.by "test": its test command promotes it, canon never deploys it` });
  }
  if (reasons.length > 0 || tag === null) return { refused: true, reasons };

  const runId = newRunId();
  const runDir = join(config.workDir, 'promotions', runId);
  // Private to this run: the sweep's checkout may be under a running test right now.
  const checkoutDir = join(config.workDir, 'checkouts', `${recipe.name}@${runId}`);
  let result: PromoteResult;
  let tested: TestedRelease;
  try {
    tested = await checkOutRelease(config, recipe, { ...tag, version: versionOfTag(tag.name) }, checkoutDir);
    const upgradeBase = chooseUpgradeBase(before?.version ?? null, tags.map((t) => t.name), tested.version, config.includePrereleases);
    result = await createConfiguredPromoter({ config, registry }).promote({
      recipe, tested, upgradeBase, canonicalBefore: before, runId, runDir,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      ...(opts.onPhase === undefined ? {} : { onPhase: opts.onPhase }),
    });
  } finally {
    await rm(checkoutDir, { recursive: true, force: true });
  }
  const after = await registry.readCanonical(recipe.name);
  const label = deriveOutcome({
    runId, decision: { action: 'run', reason: 'promote' }, syncStatus: 'ok', error: null,
    testResult: { exitCode: 0, timedOut: false }, gate: verdict,
    promoteResult: { ok: result.ok, timedOut: result.timedOut, reason: result.reason },
    tested: { version: tested.version, tag: tested.tag, commit: tested.commit },
    canonicalBefore: refOf(before), canonicalAfter: refOf(after),
  });
  return { refused: false, runId, ...label, rollback: result.rollback, warnings: result.warnings };
}
