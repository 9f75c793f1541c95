import { MirrorSyncError } from './errors.js';
import { checkoutSteps, detachAt, prepareCheckoutDir } from './internal/checkout-steps.js';
import { gitStep } from './internal/git-step.js';
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
  await prepareCheckoutDir(target, step);
  const ref = `refs/tags/${opts.tag}`;
  await gitStep(
    step(`fetching tag ${opts.tag}`, {
      remote: opts.url,
      auth: opts.auth,
      failCode: 'FETCH_FAILED',
    }),
    ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--', opts.url, `+${ref}:${ref}`],
  );
  const peeled = (
    await gitStep(step('reading the tag'), [
      'rev-parse',
      '--verify',
      '--end-of-options',
      `${ref}^{commit}`,
    ])
  ).stdout.trim();
  if (peeled !== opts.commit) {
    throw new MirrorSyncError('TAG_MOVED', { recipe, remote, stage: 'checkout', detail: `${recipe}: tag ${opts.tag} on ${remote} points at ${peeled}, expected ${opts.commit} (the commit that was decided on). Not checking out; sync and decide again.` });
  }
  return detachAt(target, step, opts.commit, opts.tag);
}
