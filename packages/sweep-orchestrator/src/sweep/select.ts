import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { HollowSweepError, SweepError } from './errors.js';

/**
 * The recipes a command works on: all configured ones, or those named with --recipe.
 * Unknown names are a usage error (exit 2) listing every unknown name at once.
 */
export function selectRecipes(config: ResolvedConfig, only: readonly string[]): ResolvedRecipe[] {
  if (only.length === 0) return config.recipes;
  const known = new Set(config.recipes.map((r) => r.name));
  const unknown = only.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new SweepError('UNKNOWN_RECIPE', { configPath: config.path, unknown, configured: [...known] });
  }
  const wanted = new Set(only);
  return config.recipes.filter((r) => wanted.has(r.name));
}

/** SPEC "Sweep": refuse to run hollow. Checked before anything is written. */
export function assertNotHollow(config: ResolvedConfig, selected: readonly ResolvedRecipe[]): void {
  if (selected.some((r) => r.enrolled)) return;
  throw new HollowSweepError('HOLLOW', { configPath: config.path, recipes: selected.map((r) => ({ name: r.name, reason: r.reason })) });
}
