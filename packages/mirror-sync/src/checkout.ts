import { mkdir } from 'node:fs/promises';
import { MirrorSyncError } from './errors.js';
import { DEFAULT_TIMEOUT_MS } from './internal/defaults.js';
import { gitStep, type GitStep } from './internal/git-step.js';
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

  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const step = (doing: string, extra: Partial<GitStep> = {}): GitStep => ({
    stage: 'checkout',
    recipe,
    remote: null,
    timeoutMs,
    cwd: opts.dir,
    failCode: 'CHECKOUT_FAILED',
    doing,
    ...extra,
  });
  await mkdir(opts.dir, { recursive: true });
  await gitStep(step('preparing the checkout directory'), ['init', '--quiet']);
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
  await gitStep(step(`checking out ${opts.tag}`), [
    'checkout',
    '--quiet',
    '--force',
    '--detach',
    opts.commit,
  ]);
  // A cold test must not see files an earlier run left behind.
  await gitStep(step('removing untracked files'), ['clean', '-ffdxq']);
  const head = (
    await gitStep(step('reading HEAD'), ['rev-parse', '--verify', 'HEAD'])
  ).stdout.trim();
  if (head !== opts.commit) {
    throw new MirrorSyncError('HEAD_MISMATCH', { recipe, remote, stage: 'checkout', detail: `${recipe}: after checking out ${opts.tag}, HEAD is ${head}, expected ${opts.commit}. Remove ${opts.dir} and retry.` });
  }
  return { dir: opts.dir, commit: head };
}
