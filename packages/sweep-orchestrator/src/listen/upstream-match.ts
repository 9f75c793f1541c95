import type { ResolvedRecipe } from '../config/index.js';

/**
 * One spelling per repository: scheme and host lower-cased, credentials, default port,
 * trailing slashes and `.git` dropped. `git@host:owner/repo` counts as `ssh://host/owner/repo`.
 */
export function normaliseRepoUrl(url: string): string | null {
  const scp = /^([^@/\s]+)@([^:/\s]+):(.+)$/.exec(url.trim());
  const text = scp === null ? url.trim() : `ssh://${scp[2]}/${scp[3]}`;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return null;
  }
  const path = parsed.pathname.replace(/\/+$/, '').replace(/\.git$/, '').replace(/\/+$/, '');
  return `${parsed.host.toLowerCase()}${path}`;
}

/** The enrolled recipes whose upstream is one of `urls`, by name; ssh and https spellings of one repository match. */
export function matchEnrolledRecipes(recipes: readonly ResolvedRecipe[], urls: readonly string[]): string[] {
  const wanted = new Set(urls.map(normaliseRepoUrl).filter((u): u is string => u !== null));
  return recipes.filter((r) => r.enrolled && wanted.has(normaliseRepoUrl(r.upstream) ?? '')).map((r) => r.name);
}
