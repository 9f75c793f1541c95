import { RECIPE_NAME, RECIPE_NAME_SHAPE } from '@canon/trigger';
import { RegistryError } from '../errors.js';

// Names end up as path segments under stateDir, so they are checked before any path is built.
const patterns = {
  recipe: RECIPE_NAME,
  runId: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  domain: /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/,
  // Step names become file names too, so they follow the recipe-name rule.
  step: RECIPE_NAME,
} as const;

const shapes: Record<keyof typeof patterns, string> = {
  recipe: RECIPE_NAME_SHAPE,
  runId: '[A-Za-z0-9][A-Za-z0-9._-]*',
  domain: 'a lower-case host name',
  step: RECIPE_NAME_SHAPE,
};

export function checkName(kind: keyof typeof patterns, value: string): string {
  if (typeof value !== 'string' || value.length > 200 || !patterns[kind].test(value)) {
    throw new RegistryError('INVALID_NAME', {
      path: '',
      kind,
      value: String(value),
      detail: `Expected a ${kind} matching ${shapes[kind]}, got ${JSON.stringify(value)}; fix the name in the config or the caller.`,
    });
  }
  return value;
}

export const recipePattern = patterns.recipe;
