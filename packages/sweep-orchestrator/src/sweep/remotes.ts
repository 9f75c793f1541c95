import type { ForgeTarget, RemoteAuth } from '@canon/mirror-sync';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';

/** Our forge token opens the mirror; upstream is public and read anonymously. */
export function mirrorAuth(config: ResolvedConfig): RemoteAuth {
  return config.forge === null ? null : { token: config.forge.token };
}

/**
 * SPEC "Config": the forge repository of a recipe is the mirror URL's `<owner>/<repo>`
 * path without `.git`, for both `https://host/owner/repo.git` and `git@host:owner/repo.git`.
 */
export function forgeTargetOf(config: ResolvedConfig, recipe: ResolvedRecipe): ForgeTarget | null {
  if (config.forge === null) return null;
  const path = repoPathOf(recipe.mirror);
  if (path === null) return null;
  return { url: config.forge.url, token: config.forge.token, owner: path.owner, repo: path.repo };
}

export function repoPathOf(url: string): { owner: string; repo: string } | null {
  let path: string;
  const scp = /^[^@/:]+@[^:/]+:(.+)$/.exec(url);
  if (scp?.[1] !== undefined) path = scp[1];
  else {
    try {
      path = new URL(url).pathname;
    } catch {
      return null;
    }
  }
  const parts = path.replace(/\.git\/?$/, '').split('/').filter((p) => p !== '');
  const repo = parts.at(-1);
  const owner = parts.at(-2);
  return repo === undefined || owner === undefined ? null : { owner, repo };
}
