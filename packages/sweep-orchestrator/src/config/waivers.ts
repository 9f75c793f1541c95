import { BUILTIN } from './builtin-defaults.js';
import type { ConfigProblem } from './errors.js';
import { formatJsonPath } from './errors.js';
import type { ResolvedRecipe } from './types.js';

const DAY_MS = 86_400_000;

/**
 * A waiver lets a red through the gate, so it must end: one that expires more than
 * `maxWaiverDays` after the config is loaded is a config error. An expired one is not an
 * error (the config stays loadable); the sweep ignores it with a warning.
 */
export function waiverProblems(recipes: readonly ResolvedRecipe[], now: Date): ConfigProblem[] {
  const limit = now.getTime() + BUILTIN.maxWaiverDays * DAY_MS;
  const problems: ConfigProblem[] = [];
  for (const recipe of recipes) {
    recipe.waive.forEach((w, i) => {
      if (Date.parse(`${w.expires}T00:00:00Z`) > limit) {
        problems.push({
          path: formatJsonPath(['recipes', recipe.name, 'waive', i, 'expires']),
          message: `${w.expires} is more than ${BUILTIN.maxWaiverDays} days after today (${now.toISOString().slice(0, 10)}); a waiver must expire within ${BUILTIN.maxWaiverDays} days: pick an earlier date and renew it when it runs out`,
        });
      }
    });
  }
  return problems;
}
