import { parseRecipeVersion } from '@canon/trigger';
import { loadConfig } from '../../config/index.js';
import { chooseUpgradeBase } from '../../sweep/upgrade-base.js';
import { configOptions, type CommandContext } from '../context.js';
import { mirrorTags, recipeNamed } from '../mirror-tags.js';
import { UsageError } from '../usage-error.js';
import { openConfiguredRegistry } from '../../open-registry.js';

/** Prints what CANON_UPGRADE_BASE would be for R at V: the older canonical, else the newest older release. */
export async function run(ctx: CommandContext): Promise<number> {
  const [name, version] = ctx.positionals;
  if (version === undefined || !parseRecipeVersion(version).ok) {
    throw new UsageError('upgrade-base', [`V must be a recipe version such as 3.6.0+1.24.2-rootless, got ${JSON.stringify(version ?? '')}`]);
  }
  const config = await loadConfig(configOptions(ctx));
  const recipe = recipeNamed(config, 'upgrade-base', name);
  const registry = openConfiguredRegistry(config);
  const canonical = await registry.readCanonical(recipe.name);
  const tags = await mirrorTags(config, recipe);
  const base = chooseUpgradeBase(canonical?.version ?? null, tags.map((t) => t.name), version, config.includePrereleases);
  if (base === null) return 1;
  ctx.stdout(`${base}\n`);
  return 0;
}
