import { MirrorSyncError } from './errors.js';
import { checkoutSteps, detachAt, prepareCheckoutDir } from './internal/checkout-steps.js';
import { gitStep } from './internal/git-step.js';
import { DEFAULT_TIMEOUT_MS } from './internal/defaults.js';
import { detachedHeadFile, peelRef } from './internal/local-repo.js';
import { runGitCommand } from './internal/run-git.js';
import { isValidRefName, OID } from './internal/ref-name.js';
import type { CheckoutOptions } from './types.js';
import { redactUrl, validateRemoteUrl } from './url.js';

/**
 * Brings a working checkout to exactly the tag's commit: fetches the tag from the mirror,
 * refuses if it no longer points at `commit`, checks out detached, removes leftovers, and
 * verifies `HEAD`.
 */
export async function checkoutTag(opts: CheckoutOptions): Promise<{ dir: string; commit: string }> {
  const recipe = opts.recipe ?? opts.tag;
  const remote = redactUrl(opts.url);
  const refuse = (reason: string) =>
    new MirrorSyncError('INVALID_OPTIONS', { recipe, remote, stage: 'checkout', detail: `${recipe}: checkout of tag ${JSON.stringify(opts.tag)} refused: ${reason}.` });
  const valid = validateRemoteUrl(opts.url);
  if (!valid.ok) throw refuse(valid.reason);
  if (!isValidRefName(`refs/tags/${opts.tag}`)) throw refuse('not a valid tag name');
  if (!OID.test(opts.commit))
    throw refuse(`commit ${JSON.stringify(opts.commit)} is not a full object id`);

  const target = { dir: opts.dir, recipe, remote, timeoutMs: opts.timeoutMs };
  const step = checkoutSteps(target);
  const prepared = await prepareCheckoutDir(target, step);
  const ref = `refs/tags/${opts.tag}`;
  await gitStep(
    step(`fetching tag ${opts.tag}`, {
      remote: opts.url,
      auth: opts.auth,
      failCode: 'FETCH_FAILED',
    }),
    // Protocol v0 sends the refs with its first answer, v2 asks for them in a second request:
    // one named tag is worth the longer listing, not another round trip to the forge.
    ['-c', 'protocol.version=0', 'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--', opts.url, `+${ref}:${ref}`],
  );
  const peeled =
    (await peelRef(opts.dir, ref)) ??
    (await gitStep(step('reading the tag'), ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`])).stdout.trim();
  if (peeled !== opts.commit) {
    throw new MirrorSyncError('TAG_MOVED', { recipe, remote, stage: 'checkout', detail: `${recipe}: tag ${opts.tag} on ${remote} points at ${peeled}, expected ${opts.commit} (the commit that was decided on). Not checking out; sync and decide again.` });
  }
  return detachAt(target, step, opts.commit, opts.tag, prepared);
}

/**
 * The commit a checkout's HEAD is at, or null when git cannot say: a detached HEAD (what
 * `checkoutTag` and `checkoutCommit` leave) is read from `.git/HEAD`, anything else asks git.
 */
export async function readCheckoutHead(dir: string, opts: { timeoutMs?: number } = {}): Promise<string | null> {
  const file = await detachedHeadFile(dir);
  if (file !== null) return file;
  const out = await runGitCommand(['-C', dir, 'rev-parse', '--verify', 'HEAD'], { timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  return out.exitCode === 0 && !out.timedOut ? out.stdout.trim() : null;
}
