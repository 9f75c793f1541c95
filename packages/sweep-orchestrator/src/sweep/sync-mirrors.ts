import { acquireSweepLock, newRunId } from '@canon/warm-registry';
import type { ResolvedConfig } from '../config/index.js';
import { createLimiter } from './pool.js';
import { listBoth, syncRecipe, type RecipeSync } from './sync-recipe.js';
import { selectRecipes } from './select.js';

export type MirrorSyncEntry = { recipe: string; result: RecipeSync };

/**
 * `canon sync`: the sweep's sync stage alone, under the sweep mutex (a sync must not push
 * to a mirror a running sweep is reading). Writes no run record.
 */
export async function syncMirrors(opts: { config: ResolvedConfig; recipes?: readonly string[] }): Promise<MirrorSyncEntry[]> {
  const { config } = opts;
  const selected = selectRecipes(config, opts.recipes ?? []).filter((r) => r.enrolled);
  const lock = await acquireSweepLock({
    stateDir: config.stateDir, runId: newRunId(), staleSeconds: config.lockStaleSeconds, onCompromised: () => undefined,
  });
  try {
    const pool = createLimiter(2);
    return await Promise.all(
      selected.map((recipe) =>
        pool(async () => {
          await lock.describe({ recipe: recipe.name, phase: 'sync' }).catch(() => undefined);
          const listed = listBoth(config, recipe);
          listed.catch(() => undefined);
          return { recipe: recipe.name, result: await syncRecipe(config, recipe, listed) };
        }),
      ),
    );
  } finally {
    await lock.release().catch(() => undefined);
  }
}
