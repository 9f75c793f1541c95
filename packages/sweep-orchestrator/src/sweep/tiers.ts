import type { Registry } from '@canon/warm-registry';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { pollAllHealth } from '../health-all.js';
import type { PromoteResult } from '../promote/promoter.js';

/** A recipe of an earlier tier that ended unhealthy, as `decide` takes it (`infra-degraded`). */
export type Degraded = { recipe: string; reason: string };

/** `run`: the selected recipes of the tier; `probeOnly`: its other recipes, probed when a later tier runs. */
export type TierStep = { name: string; run: ResolvedRecipe[]; probeOnly: ResolvedRecipe[] };

/**
 * The tiers in order, each with the selected recipes it runs. A `--recipe` sweep of a later
 * tier's recipe still probes the earlier tiers' recipes first: what it depends on must be up.
 */
export function planTiers(config: ResolvedConfig, selected: readonly ResolvedRecipe[]): TierStep[] {
  const chosen = new Set(selected.map((r) => r.name));
  const byName = new Map(config.recipes.map((r) => [r.name, r]));
  const placed = new Set(config.tiers.flatMap((t) => t.recipes));
  const steps = config.tiers.map((tier, i) => {
    const members = tier.recipes.map((n) => byName.get(n)).filter((r): r is ResolvedRecipe => r !== undefined);
    const extra = i === 0 ? selected.filter((r) => !placed.has(r.name)) : [];
    return {
      name: tier.name,
      run: [...extra, ...members.filter((r) => chosen.has(r.name))],
      probeOnly: members.filter((r) => !chosen.has(r.name) && r.enrolled && r.promote !== null),
    };
  });
  const last = steps.findLastIndex((s) => s.run.length > 0);
  return steps
    .map((s, i) => (i < last ? s : { ...s, probeOnly: [] }))
    .filter((s) => s.run.length > 0 || s.probeOnly.length > 0);
}

/** The degraded recipes that skip `recipe`: all of them, or with `dependsOn` only those it names. */
export function degradedFor(recipe: ResolvedRecipe, degraded: readonly Degraded[]): Degraded[] {
  const deps = recipe.dependsOn;
  return deps === null ? [...degraded] : degraded.filter((d) => deps.includes(d.recipe));
}

// A promote that failed with one of these never touched the deployment.
const NOTHING_DEPLOYED = new Set(['app-locked', 'busy', 'protected-domain', 'domain-in-use', 'backup-failed', 'not-configured']);

/**
 * After a tier: each recipe that stays deployed (live mode, or no `park`) and has a canonical is
 * probed (health URL and `health.also`); a parked recipe counts by its promote, where a failed
 * advance whose rollback did not come back healthy is unhealthy.
 */
export async function probeTier(opts: {
  registry: Registry;
  members: readonly { recipe: ResolvedRecipe; promote: PromoteResult | null }[];
  signal?: AbortSignal;
  /** Called as a recipe's health probe starts. */
  onProbe?: (recipe: string) => void;
}): Promise<Degraded[]> {
  const found: Degraded[] = [];
  for (const { recipe, promote } of opts.members) {
    const spec = recipe.promote;
    if (!recipe.enrolled || spec === null) continue;
    const failed = promote !== null && !promote.ok && promote.mode === 'advance' && !NOTHING_DEPLOYED.has(promote.reason ?? '');
    if (failed && promote.rollback?.healthy !== true) {
      const rollback = promote.rollback === null ? 'no rollback ran' : `the rollback did not come back healthy (${promote.rollback.reason ?? 'unhealthy'})`;
      found.push({ recipe: recipe.name, reason: `its advance failed (${promote.reason ?? 'failed'}) and ${rollback}` });
      continue;
    }
    if (spec.mode !== 'live' && spec.park !== null) continue;
    const canonical = await opts.registry.readCanonical(recipe.name).catch(() => null);
    if (canonical === null) continue;
    opts.onProbe?.(recipe.name);
    const health = await pollAllHealth(spec.health, { recipe: recipe.name, domain: spec.domain }, opts.signal === undefined ? {} : { signal: opts.signal });
    if (!health.healthy) found.push({ recipe: recipe.name, reason: `unhealthy after its tier: ${health.url}: ${health.reason}` });
  }
  return found;
}
