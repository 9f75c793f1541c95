import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { usageError } from './usage-error.js';

export { mirrorTags, tagForVersion } from '../index.js';

export function recipeNamed(config: ResolvedConfig, command: string, name: string | undefined): ResolvedRecipe {
  if (name === undefined) throw usageError(command, ['--recipe R is required']);
  const recipe = config.recipes.find((r) => r.name === name);
  if (recipe === undefined) {
    throw usageError(command, [`no recipe named ${JSON.stringify(name)} in ${config.path}; configured: ${config.recipes.map((r) => r.name).join(', ') || '(none)'}`]);
  }
  return recipe;
}
