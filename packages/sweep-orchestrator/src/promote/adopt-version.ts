import { join } from 'node:path';
import { checkoutTag } from '@canon/mirror-sync';
import { isReleaseTag, versionOfTag } from '@canon/trigger';
import { acquireAppLock, newRunId } from '@canon/warm-registry';
import { commandValues } from '../command-values.js';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { currentUser } from '../holds/approve-version.js';
import { openConfiguredRegistry } from '../open-registry.js';
import { mirrorTags, tagForVersion } from '../sweep/mirror-tags.js';
import { mirrorAuth } from '../sweep/remotes.js';
import { budget, checkHealth, logLine, runStep, type StepContext } from './internal/promote-steps.js';
import { recordPromotion } from './internal/record-promotion.js';
import { maskText } from '../internal/secret-mask.js';

export type AdoptOptions = { config: ResolvedConfig; recipe: ResolvedRecipe; version: string; reason: string; signal?: AbortSignal };

export type AdoptResult = { adopted: true; runId: string; version: string; commit: string; warnings: string[] } | { adopted: false; reasons: string[] };

/**
 * `canon adopt`: records what already runs on a live or protected domain with no canonical as
 * its canonical. The version must be a release tag on the mirror, `verify` must print it and
 * health (with `health.also`) must pass. Nothing is deployed or torn down: only verify and the
 * health poll run, under the app lock, with a checkout private to this run.
 */
export async function adoptVersion(opts: AdoptOptions): Promise<AdoptResult> {
  const { config, recipe } = opts;
  const reasons: string[] = [];
  const spec = recipe.promote;
  if (opts.reason.trim() === '') reasons.push('--reason must say why this deployment is adopted');
  if (spec === null) reasons.push(`${recipe.name} has no promote section: there is no warm domain to adopt`);
  else if (spec.verify === null) reasons.push(`${recipe.name} has no promote.verify: canon cannot confirm which version runs on ${spec.domain}`);
  const registry = openConfiguredRegistry(config);
  const before = await registry.readCanonical(recipe.name);
  if (before !== null) reasons.push(`${recipe.name} already has the canonical ${before.version}; adopt only records a deployment that has none (new releases advance it)`);
  const tag = tagForVersion(await mirrorTags(config, recipe), opts.version);
  if (tag === null || !isReleaseTag(tag.name, { includePrereleases: config.includePrereleases })) {
    reasons.push(`"${opts.version}" is not a release tag on the mirror ${recipe.mirror}`);
  }
  if (reasons.length > 0 || spec === null || spec.verify === null || tag === null) return { adopted: false, reasons };

  const runId = newRunId();
  const runDir = join(config.workDir, 'adoptions', runId);
  const logFile = join(runDir, recipe.name, 'adopt.log');
  const auth = mirrorAuth(config);
  const checkout = await checkoutTag({
    url: recipe.mirror, tag: tag.name, commit: tag.commit, dir: join(runDir, 'checkout'), ...(auth === null ? {} : { auth }), recipe: recipe.name,
  });
  const release = { version: versionOfTag(tag.name), tag: tag.name, commit: tag.commit, checkout: checkout.dir };
  const lock = await acquireAppLock({ stateDir: config.stateDir, domain: spec.domain, runId, staleSeconds: config.lockStaleSeconds, recipe: recipe.name });
  const limit = budget(spec.timeoutSeconds, opts.signal);
  try {
    const ctx: StepContext = {
      config, spec, mode: 'seed', runId,
      values: commandValues({
        kind: 'promote', mode: 'seed', recipe: recipe.name, runId, runDir, release, upgradeBase: null, previousVersion: null, domain: spec.domain, env: spec.env,
      }),
      cwd: checkout.dir, logFile, deadline: limit.deadline, signal: limit.signal, interrupted: limit.interrupted,
    };
    logLine(logFile, `adopting what runs on ${spec.domain} as ${recipe.name} ${release.version}: verify and health only, nothing is deployed`);
    const verify = await runStep(ctx, 'verify', spec.verify, true);
    if (!verify.ok) return { adopted: false, reasons: [`verify: ${verify.failure.detail}`] };
    const printed = verify.result.stdout.trim();
    if (printed !== release.version) {
      const quoted = maskText(printed.slice(0, 200), config.secrets ?? []);
      return { adopted: false, reasons: [`verify printed "${quoted}" but --version is "${release.version}": that is not what runs on ${spec.domain}`] };
    }
    const unhealthy = await checkHealth(ctx);
    if (unhealthy !== null) return { adopted: false, reasons: [`health: ${unhealthy.detail}`] };
    const reason = opts.reason.trim();
    const who = currentUser();
    const { warnings } = await recordPromotion({
      registry, domain: spec.domain, tested: release, type: 'adopted', detail: `adopted by ${who}: ${reason}`,
      request: { recipe, tested: release, upgradeBase: null, canonicalBefore: null, runId, runDir },
    });
    await registry.appendApproval(recipe.name, { schema: 1, ts: new Date().toISOString(), kind: 'adopt', version: release.version, commit: release.commit, who, reason });
    logLine(logFile, `adopted ${recipe.name} ${release.version} (${release.commit})`);
    return { adopted: true, runId, version: release.version, commit: release.commit, warnings };
  } finally {
    limit.dispose();
    await lock.release();
  }
}
