import { listRemoteRefs, syncMirror, type RemoteRefs, type SyncResult } from '@canon/mirror-sync';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { forgeTargetOf, mirrorAuth } from './remotes.js';

export type RecipeSync =
  | { kind: 'synced'; sync: SyncResult; durationMs: number }
  | { kind: 'sync-failed'; error: Error; durationMs: number }
  | { kind: 'error'; error: Error; durationMs: number };

const LIST_TIMEOUT_MS = 60_000;
const SYNC_TIMEOUT_MS = 600_000;

/** Both sides' refs, listed at once: one round trip each, fed to syncMirror so it lists nothing twice. */
export async function listBoth(config: ResolvedConfig, recipe: ResolvedRecipe): Promise<{ upstream: RemoteRefs; mirror: RemoteRefs }> {
  const [upstream, mirror] = await Promise.all([
    listRemoteRefs(recipe.upstream, { timeoutMs: LIST_TIMEOUT_MS, stage: 'list-upstream', recipe: recipe.name }),
    listRemoteRefs(recipe.mirror, { auth: mirrorAuth(config), timeoutMs: LIST_TIMEOUT_MS, stage: 'list-mirror', recipe: recipe.name }),
  ]);
  return { upstream, mirror };
}

/**
 * Syncs one recipe's mirror from pre-listed refs. A typed sync failure means SYNC-FAILED
 * (the stale mirror is never tested); anything else is canon's own failure (ERROR).
 */
export async function syncRecipe(
  config: ResolvedConfig,
  recipe: ResolvedRecipe,
  listed: Promise<{ upstream: RemoteRefs; mirror: RemoteRefs }>,
  signal?: AbortSignal,
): Promise<RecipeSync> {
  const started = performance.now();
  const took = (): number => Math.round(performance.now() - started);
  try {
    const refs = await listed;
    const auth = mirrorAuth(config);
    const sync = await syncMirror({
      recipe: recipe.name,
      upstream: recipe.upstream,
      mirror: recipe.mirror,
      branch: recipe.branch,
      workDir: config.workDir,
      ...(auth === null ? {} : { auth: { mirror: auth } }),
      forge: forgeTargetOf(config, recipe),
      timeoutMs: SYNC_TIMEOUT_MS,
      upstreamRefs: refs.upstream,
      mirrorRefs: refs.mirror,
      ...(signal === undefined ? {} : { signal }),
    });
    return { kind: 'synced', sync, durationMs: took() };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    return { kind: err.name === 'MirrorSyncError' ? 'sync-failed' : 'error', error: err, durationMs: took() };
  }
}
