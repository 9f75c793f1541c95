import type { Registry } from '@canon/warm-registry';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import type { Revisions } from './record-verdict.js';
import { promoteRevOf, suiteRevOf } from './revisions.js';
import { readSuiteRevision, type RevisionRunner } from './suite-revision.js';
import { loadRecipeVerdicts, type RecipeVerdicts } from './verdict-input.js';

/** `revision`: what `test.revision` printed (null: not set), for a queued test's check against its worker's. */
export type PreparedVerdicts = { ok: true; revs: Revisions; revision: string | null; loaded: RecipeVerdicts } | { ok: false; detail: string };

/** The recipe's key hashes (running `test.revision` when set) and its verdicts and approvals, read once. */
export async function prepareVerdicts(
  input: { config: ResolvedConfig; registry: Registry; recipe: ResolvedRecipe; runRevision: RevisionRunner },
): Promise<PreparedVerdicts> {
  const { config, recipe } = input;
  const revision = await readSuiteRevision(recipe, input.runRevision);
  if (!revision.ok) return { ok: false, detail: revision.detail };
  const revs = { suiteRev: suiteRevOf(recipe.test, revision.output), promoteRev: promoteRevOf(recipe.promote) };
  try {
    return { ok: true, revs, revision: revision.output, loaded: await loadRecipeVerdicts(input.registry, config, recipe, revs) };
  } catch (e) {
    return { ok: false, detail: `cannot read the recipe's verdicts: ${e instanceof Error ? e.message : String(e)} (file left untouched)` };
  }
}
