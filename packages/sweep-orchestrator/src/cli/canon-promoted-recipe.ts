import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { recipeNamed } from './mirror-tags.js';
import { usageError } from './usage-error.js';

/**
 * The recipe a command that records its canonical by hand (`canon promote`, `canon adopt`) acts
 * on. A recipe whose test command promotes it (`promote.by: "test"`) owns its record through
 * that command alone: refused (exit 2), so the two never write the same record.
 */
export function canonPromotedRecipe(config: ResolvedConfig, command: string, name: string | undefined): ResolvedRecipe {
  const recipe = recipeNamed(config, command, name);
  if (recipe.promote?.by === 'test') {
    throw usageError(command, [
      `recipe ${recipe.name} has promote.by "test" in ${config.path}: its test command promotes it and writes its record by itself after a green run, and canon never deploys or records it by hand; run its test (or a sweep) instead, or set promote.by "canon"`,
    ]);
  }
  return recipe;
}
