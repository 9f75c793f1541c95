import { join } from 'node:path';
import { checkoutTag } from '@canon/mirror-sync';
import { deriveOutcome, evaluateGate } from '@canon/promote-gate';
import { compareRecipeVersions, isReleaseTag, versionOfTag } from '@canon/trigger';
import { newRunId, openRegistry } from '@canon/warm-registry';
import { chooseUpgradeBase, loadConfig, mirrorAuth, promoteRecipe, refOf, watchSignals } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand, type CommandContext } from '../define-command.js';
import { configFlag, gateRunFlags, jsonFlag, recipeFlag } from '../flags.js';
import { mirrorTags, recipeNamed, tagForVersion } from '../mirror-tags.js';
import { exitCodeForSignal } from '../exit-codes.js';
import { usageError } from '../usage-error.js';

const flags = {
  ...recipeFlag,
  version: { type: 'string', placeholder: 'V', description: 'the version the phase tested green: a release tag on the mirror (V or vV); required' },
  ...gateRunFlags,
  ...jsonFlag,
  ...configFlag,
} as const;

export const command = defineCommand({
  usage: 'canon promote --recipe R --version V [--quick] [--ref REF] [--json] [--config F]',
  flags,
  positionals: [],
  examples: ['canon promote --recipe gitea --version 3.6.1+1.24.3-rootless --json'],
  notes: [
    'Refused with every reason (exit 1, nothing deployed) unless V is a release tag on the mirror, the run was',
    'neither quick nor a ref run, the recipe is enrolled, V is not blocked and not older than the canonical.',
  ],
  run,
});

/**
 * For other CI phases after their own green run: the same gate as the sweep, enforced. A
 * version that is not a release tag on the mirror, a quick or ref run, or a recipe that is
 * not enrolled is refused with every reason (exit 1) and nothing is deployed.
 */
async function run(ctx: CommandContext<typeof flags>): Promise<number> {
  const version = ctx.flags.version;
  if (version === undefined) throw usageError('promote', ['--version V is required']);
  const config = await loadConfig(configOptions(ctx));
  const recipe = recipeNamed(config, 'promote', ctx.flags.recipe);
  const json = ctx.flags.json;
  const tags = await mirrorTags(config, recipe);
  const tag = tagForVersion(tags, version);
  const verdict = evaluateGate({
    enrolled: recipe.enrolled, exitCode: 0, quick: ctx.flags.quick, ref: ctx.flags.ref ?? null,
    tagged: tag !== null && isReleaseTag(tag.name, { includePrereleases: config.includePrereleases }),
  });
  const registry = openRegistry({ stateDir: config.stateDir, ...(config.registryDir === null ? {} : { registryDir: config.registryDir }) });
  const before = await registry.readCanonical(recipe.name);
  // Beyond the gate: the config's blocks and the canonical's order hold for other CI phases too.
  const reasons = [...verdict.reasons, ...policyExcuses(recipe.block, before?.version ?? null, version)];
  if (reasons.length > 0 || tag === null) {
    if (json) ctx.stdout(`${JSON.stringify({ promoted: false, promote: false, reasons })}\n`);
    else ctx.stderr(`canon promote: refused ${recipe.name} ${version}:\n${reasons.map((r) => `  - ${r.message}`).join('\n')}\n`);
    return 1;
  }

  const runId = newRunId();
  const runDir = join(config.workDir, 'promotions', runId);
  const auth = mirrorAuth(config);
  const checkout = await checkoutTag({
    url: recipe.mirror, tag: tag.name, commit: tag.commit, dir: join(config.workDir, 'checkouts', recipe.name), ...(auth === null ? {} : { auth }),
  });
  const tested = { version: versionOfTag(tag.name), tag: tag.name, commit: tag.commit };
  const upgradeBase = chooseUpgradeBase(before?.version ?? null, tags.map((t) => t.name), tested.version, config.includePrereleases);
  const interrupt = watchSignals();
  try {
    const result = await promoteRecipe({
      config, recipe, registry, runId, runDir, tested: { ...tested, checkout: checkout.dir }, upgradeBase,
      canonicalBefore: before, signal: interrupt.signal,
      onPhase: (p) => { if (!json) ctx.stderr(`${recipe.name}: ${p}\n`); },
    });
    const after = await registry.readCanonical(recipe.name);
    const label = deriveOutcome({
      runId, decision: { action: 'run', reason: 'promote' }, syncStatus: 'ok', error: null,
      testResult: { exitCode: 0, timedOut: false }, gate: verdict,
      promoteResult: { ok: result.ok, timedOut: result.timedOut, reason: result.reason },
      tested, canonicalBefore: refOf(before), canonicalAfter: refOf(after),
    });
    if (json) ctx.stdout(`${JSON.stringify({ promoted: label.outcome === 'PROMOTED', ...label, rollback: result.rollback, warnings: result.warnings })}\n`);
    else ctx.stdout(`${recipe.name}: ${label.outcome} — ${label.detail}\n`);
    const sig = interrupt.received();
    if (sig !== null) return exitCodeForSignal(sig);
    return label.outcome === 'PROMOTED' ? 0 : 1;
  } finally {
    interrupt.dispose();
  }
}

type PolicyExcuse = { code: 'blocked' | 'older-than-canonical'; message: string };

function policyExcuses(block: readonly { version: string; reason: string }[], canonical: string | null, version: string): PolicyExcuse[] {
  const out: PolicyExcuse[] = [];
  const wanted = versionOfTag(version);
  const hit = block.find((b) => versionOfTag(b.version) === wanted);
  if (hit !== undefined) out.push({ code: 'blocked', message: `${version} is blocked in the config: ${hit.reason}` });
  if (canonical !== null && isReleaseTag(wanted) && isReleaseTag(versionOfTag(canonical)) && compareRecipeVersions(wanted, versionOfTag(canonical)) < 0) {
    out.push({ code: 'older-than-canonical', message: `${version} is older than the canonical ${canonical}; the canonical only moves forward` });
  }
  return out;
}
