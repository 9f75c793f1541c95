// Recipe names become directory names, repository names and URL parts, so every package
// checks them against this one pattern: no separators, no leading dot or dash.

/** The recipe-name pattern as people read it, for messages. */
export const RECIPE_NAME_SHAPE = '[a-z0-9][a-z0-9._-]*';

/** A whole string that is a recipe name (SPEC: `[a-z0-9][a-z0-9._-]*`). */
export const RECIPE_NAME = new RegExp(`^${RECIPE_NAME_SHAPE}$`);

export function isRecipeName(name: string): boolean {
  return typeof name === 'string' && RECIPE_NAME.test(name);
}
