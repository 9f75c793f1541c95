import { lstat, readdir, realpath } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { checkoutTag, hasRepositoryDir, MirrorSyncError, readCheckoutHead, redactUrl } from '@canon/mirror-sync';
import type { ReleaseRef } from '@canon/trigger';
import type { TestedRelease } from '../command-values.js';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { expandString } from '../config/index.js';
import { mirrorAuth } from './remotes.js';

/** `{checkout}` of a recipe: `test.checkoutDir` (relative to the config file) or `<workDir>/checkouts/<recipe>`. */
export function checkoutDirOf(config: ResolvedConfig, recipe: ResolvedRecipe): string {
  const configured = recipe.test.checkoutDir;
  if (configured === null) return join(config.workDir, 'checkouts', recipe.name);
  return resolve(dirname(config.path), expandString(configured, { recipe: recipe.name }));
}

/**
 * The release checked out detached from the mirror into `dir` (default: the recipe's
 * checkoutDirOf); checkoutTag has verified HEAD is its commit. A git repository there is
 * reused (e.g. cc-ci's staged abra clone); anything else is refused and left as it is, because
 * the checkout forces and cleans the tree it works in.
 */
export async function checkOutRelease(
  config: ResolvedConfig,
  recipe: ResolvedRecipe,
  release: Pick<ReleaseRef, 'name' | 'commit' | 'version'>,
  dir: string = checkoutDirOf(config, recipe),
): Promise<TestedRelease> {
  await refuseForeignDirectory(recipe, dir);
  const auth = mirrorAuth(config);
  const out = await checkoutTag({
    url: recipe.mirror, tag: release.name, commit: release.commit, dir,
    ...(auth === null ? {} : { auth }),
  });
  return { version: release.version, tag: release.name, commit: release.commit, checkout: out.dir };
}

async function refuseForeignDirectory(recipe: ResolvedRecipe, dir: string): Promise<void> {
  let kind: 'missing' | 'directory' | 'other';
  try {
    kind = (await lstat(dir)).isDirectory() ? 'directory' : 'other';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    kind = 'missing';
  }
  if (kind === 'missing') return;
  if (kind === 'directory' && ((await readdir(dir)).length === 0 || (await isRepositoryRoot(dir)))) return;
  const what = kind === 'other' ? 'exists and is not a directory' : 'holds files but is not a git repository of its own';
  throw new MirrorSyncError('CHECKOUT_FAILED', {
    recipe: recipe.name, remote: redactUrl(recipe.mirror), stage: 'checkout', cwd: dir,
    detail: `${dir} ${what}; canon checks tags out only into a git repository or a new directory, and left it untouched (move it away or set test.checkoutDir)`,
  });
}

// The top of its own work tree: a directory inside another repository is not a checkout of ours.
// A `.git` directory of its own makes it one without asking git (the common case, every sweep).
async function isRepositoryRoot(dir: string): Promise<boolean> {
  if (await hasRepositoryDir(dir)) return true;
  const { execa } = await import('execa');
  const top = await execa('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { reject: false });
  if (top.exitCode !== 0) return false;
  return (await realpath(String(top.stdout).trim())) === (await realpath(dir));
}

/**
 * The checkout must still be at the tag's commit after the test: a test that moved it tested
 * something else, and its result belongs to no tag.
 */
export async function checkoutMovedProblem(release: TestedRelease): Promise<string | null> {
  const now = await readCheckoutHead(release.checkout);
  if (now === release.commit) return null;
  return `the checkout ${release.checkout} moved during the test: HEAD is ${now ?? '(unreadable)'}, not ${release.tag}'s commit ${release.commit}; the result belongs to no tag and is not promoted`;
}
