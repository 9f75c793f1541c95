import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { recipeNamed } from './mirror-tags.js';
import { usageError } from './usage-error.js';

/**
 * The recipe a command that deploys it by hand (`canon promote`) acts on. A recipe whose test
 * command promotes it (`promote.by: "test"`) has no deploy of canon's to run: refused (exit 2).
 */
export function canonPromotedRecipe(config: ResolvedConfig, command: string, name: string | undefined): ResolvedRecipe {
  const recipe = recipeNamed(config, command, name);
  if (recipe.promote?.by === 'test') {
    throw usageError(command, [
      `recipe ${recipe.name} has promote.by "test" in ${config.path}: its test command promotes it by itself after a green run, and canon never deploys it; run its test (or a sweep) instead, or set promote.by "canon"`,
    ]);
  }
  return recipe;
}
