import { parseRecipeVersion } from '@canon/trigger';
import { chooseUpgradeBase, loadConfig, openConfiguredRegistry } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag } from '../flags.js';
import { mirrorTags, recipeNamed } from '../mirror-tags.js';
import { usageError } from '../usage-error.js';

/** Prints what CANON_UPGRADE_BASE would be for R at V: the older canonical, else the newest older release. */
export const command = defineCommand({
  usage: 'canon upgrade-base R V [--config F]',
  flags: { ...configFlag },
  positionals: [
    { name: 'R', description: 'the recipe, by its name in the config' },
    { name: 'V', description: 'the version about to be tested, e.g. 3.6.1+1.24.3-rootless' },
  ],
  examples: ['CANON_UPGRADE_BASE=$(canon upgrade-base gitea "$VERSION") || echo "no older release"'],
  notes: ['Exit: 0 a base was printed · 1 there is none (nothing printed).'],
  async run(ctx) {
    const [name, version] = ctx.positionals;
    if (version === undefined || !parseRecipeVersion(version).ok) {
      throw usageError('upgrade-base', [`V must be a recipe version such as 3.6.0+1.24.2-rootless, got ${JSON.stringify(version ?? '')}`]);
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
  },
});
