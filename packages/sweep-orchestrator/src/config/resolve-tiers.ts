import type { ConfigProblem } from './errors.js';
import { formatJsonPath } from './errors.js';
import type { RawConfig } from './schema.js';
import type { ResolvedRecipe, Tier } from './types.js';

export const DEFAULT_TIER_NAME = 'default';

/**
 * Puts every configured recipe in exactly one tier: `"*"` takes the recipes no other tier
 * names. Without a `"*"` tier an enrolled recipe in no tier is a problem; a recipe that is not
 * enrolled only ever skips, so it joins the first tier. `dependsOn` must name recipes of
 * earlier tiers: a later or same-tier recipe has not finished when the dependent starts.
 */
export function resolveTiers(raw: RawConfig, recipes: readonly ResolvedRecipe[], problems: ConfigProblem[]): Tier[] {
  const configured = raw.tiers ?? [{ name: DEFAULT_TIER_NAME, recipes: '*' as const }];
  // Every name in the file counts, also a recipe whose own settings have problems (reported apart).
  const known = new Set(Object.keys(raw.recipes));
  const tierOf = new Map<string, number>();
  const names = new Map<string, number>();
  let star: number | null = null;
  configured.forEach((tier, i) => {
    const seen = names.get(tier.name);
    if (seen !== undefined) problems.push({ path: formatJsonPath(['tiers', i, 'name']), message: `tier "${tier.name}" is also tier ${seen}; tier names must be unique` });
    names.set(tier.name, i);
    if (tier.recipes === '*') {
      if (star !== null) problems.push({ path: formatJsonPath(['tiers', i, 'recipes']), message: `tier ${star} is already "*"; only one tier may take the rest` });
      star = i;
      return;
    }
    tier.recipes.forEach((name, j) => {
      const path = formatJsonPath(['tiers', i, 'recipes', j]);
      const other = tierOf.get(name);
      if (!known.has(name)) problems.push({ path, message: `"${name}" is not a recipe in "recipes"` });
      else if (other !== undefined) problems.push({ path, message: `"${name}" is already in tier "${configured[other]?.name ?? other}"; a recipe belongs to one tier` });
      else tierOf.set(name, i);
    });
  });
  for (const r of recipes) {
    if (tierOf.has(r.name)) continue;
    if (star !== null) tierOf.set(r.name, star);
    else if (!r.enrolled) tierOf.set(r.name, 0);
    else problems.push({ path: formatJsonPath(['recipes', r.name]), message: `enrolled recipe "${r.name}" is in no tier; add it to one, or add a tier with "recipes": "*"` });
  }
  for (const r of recipes) {
    const own = tierOf.get(r.name);
    (r.dependsOn ?? []).forEach((dep, j) => {
      const path = formatJsonPath(['recipes', r.name, 'dependsOn', j]);
      const theirs = tierOf.get(dep);
      if (!known.has(dep)) problems.push({ path, message: `"${dep}" is not a recipe in "recipes"` });
      else if (own !== undefined && theirs !== undefined && theirs >= own) {
        problems.push({ path, message: `"${dep}" is in tier "${configured[theirs]?.name ?? theirs}", not in a tier before "${configured[own]?.name ?? own}"` });
      }
    });
  }
  return configured.map((tier, i) => ({
    name: tier.name,
    recipes: recipes.filter((r) => tierOf.get(r.name) === i).map((r) => r.name),
  }));
}
