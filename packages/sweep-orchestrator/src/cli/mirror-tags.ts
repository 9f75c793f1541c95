import { listRemoteRefs } from '@canon/mirror-sync';
import type { TagRef } from '@canon/trigger';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { mirrorAuth } from '../index.js';
import { usageError } from './usage-error.js';

export function recipeNamed(config: ResolvedConfig, command: string, name: string | undefined): ResolvedRecipe {
  if (name === undefined) throw usageError(command, ['--recipe R is required']);
  const recipe = config.recipes.find((r) => r.name === name);
  if (recipe === undefined) {
    throw usageError(command, [`no recipe named ${JSON.stringify(name)} in ${config.path}; configured: ${config.recipes.map((r) => r.name).join(', ') || '(none)'}`]);
  }
  return recipe;
}

/** The mirror's tags (peeled), the only place other CI phases may take a version from. */
export async function mirrorTags(config: ResolvedConfig, recipe: ResolvedRecipe): Promise<TagRef[]> {
  const auth = mirrorAuth(config);
  return (await listRemoteRefs(recipe.mirror, { ...(auth === null ? {} : { auth }), timeoutMs: 60_000 })).tags;
}

/** The tag on the mirror that names `version` (`V` or `vV`), or null. */
export function tagForVersion(tags: readonly TagRef[], version: string): TagRef | null {
  return tags.find((t) => t.name === version) ?? tags.find((t) => t.name === `v${version}`) ?? null;
}
