import { join } from 'node:path';
import { checkoutTag } from '@canon/mirror-sync';
import type { ReleaseRef } from '@canon/trigger';
import type { TestedRelease } from '../command-values.js';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { mirrorAuth } from './remotes.js';

/**
 * The release checked out detached from the mirror; checkoutTag has verified HEAD is its commit.
 * `<workDir>/checkouts/<recipe>` belongs to the sweep (the sweep mutex guards it); a run outside
 * a sweep passes its own `dir`, so it never moves the sweep's checkout under a running test.
 */
export async function checkOutRelease(
  config: ResolvedConfig,
  recipe: ResolvedRecipe,
  release: Pick<ReleaseRef, 'name' | 'commit' | 'version'>,
  dir: string = join(config.workDir, 'checkouts', recipe.name),
): Promise<TestedRelease> {
  const auth = mirrorAuth(config);
  const out = await checkoutTag({
    url: recipe.mirror, tag: release.name, commit: release.commit, dir,
    ...(auth === null ? {} : { auth }),
  });
  return { version: release.version, tag: release.name, commit: release.commit, checkout: out.dir };
}
