import type { Registry } from '@canon/warm-registry';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import type { PromoteResult } from '../promote/promoter.js';
import { createLimiter } from './pool.js';
import { planTiers, probeTier, type Degraded } from './tiers.js';

/**
 * Runs the selected recipes tier by tier: `concurrency` applies inside a tier, and every test
 * and promote of a tier ends before the next tier starts. After each tier but the last its
 * recipes are probed; what is unhealthy goes into `degraded`, which later tiers' decisions read.
 */
export async function runTiers(opts: {
  config: ResolvedConfig;
  registry: Registry;
  selected: readonly ResolvedRecipe[];
  /** Recipes in progress at once within a tier (default `concurrency`). */
  recipesAtOnce?: number;
  signal: AbortSignal;
  degraded: Degraded[];
  runOne: (recipe: ResolvedRecipe) => Promise<void>;
  promoteOf: (recipe: string) => PromoteResult | null;
  onProbe: (tier: string, recipe: string) => void;
  onDegraded: (tier: string, found: Degraded) => void;
}): Promise<void> {
  const pool = createLimiter(opts.recipesAtOnce ?? opts.config.concurrency);
  const steps = planTiers(opts.config, opts.selected);
  for (const [i, tier] of steps.entries()) {
    if (opts.signal.aborted) return;
    await Promise.all(tier.run.map((recipe) => pool(() => (opts.signal.aborted ? Promise.resolve() : opts.runOne(recipe)))));
    // Only a later tier reads the probe: after the last one it would only cost health timeouts.
    if (opts.signal.aborted || i === steps.length - 1) return;
    const members = [...tier.run, ...tier.probeOnly].map((recipe) => ({ recipe, promote: opts.promoteOf(recipe.name) }));
    const found = await probeTier({
      registry: opts.registry, members, signal: opts.signal,
      onProbe: (recipe) => opts.onProbe(tier.name, recipe),
    });
    for (const d of found) {
      opts.degraded.push(d);
      opts.onDegraded(tier.name, d);
    }
  }
}
