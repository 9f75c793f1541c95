import { describe, expect, it } from 'vitest';
import { isRecipeName, RECIPE_NAME, RECIPE_NAME_SHAPE } from '@canon/trigger';

describe('recipe names', () => {
  it.each(['gitea', 'custom-html', 'a', '0x', 'n.e_x-t'])('%s is a recipe name', (name) => {
    expect(isRecipeName(name)).toBe(true);
  });

  it.each(['', 'Gitea', '-x', '.x', '_x', 'a/b', '../x', 'a b', 'x\n'])('%j is not', (name) => {
    expect(isRecipeName(name)).toBe(false);
  });

  it('reads as SPEC writes it', () => {
    expect(RECIPE_NAME_SHAPE).toBe('[a-z0-9][a-z0-9._-]*');
    expect(RECIPE_NAME.source).toBe('^[a-z0-9][a-z0-9._-]*$');
  });
});
