import { MirrorSyncError } from './errors.js';
import { checkoutSteps, detachAt, prepareCheckoutDir, type StepFor } from './internal/checkout-steps.js';
import { gitStep } from './internal/git-step.js';
import { OID } from './internal/ref-name.js';
import type { CheckoutCommitOptions } from './types.js';
import { redactUrl, validateRemoteUrl } from './url.js';

// Where the fallback fetch keeps the mirror's branches and tags, apart from any tag a
// checkoutTag in the same directory fetched.
const NAMESPACE = 'refs/canon/mirror';

/**
 * Brings a working checkout to exactly `commit`, whatever the mirror's tags say now (a moved
 * tag points elsewhere): fetches the commit from the mirror, refuses with
 * `COMMIT_UNREACHABLE` when the mirror cannot give it (the checkout is left as it was),
 * checks out detached, removes leftovers and verifies `HEAD`.
 */
export async function checkoutCommit(opts: CheckoutCommitOptions): Promise<{ dir: string; commit: string }> {
  const recipe = opts.recipe ?? opts.commit;
  const remote = redactUrl(opts.url);
  const refuse = (reason: string) =>
    new MirrorSyncError('INVALID_OPTIONS', { recipe, remote, stage: 'checkout', detail: `${recipe}: checkout of commit ${JSON.stringify(opts.commit)} refused: ${reason}.` });
  const valid = validateRemoteUrl(opts.url);
  if (!valid.ok) throw refuse(valid.reason);
  if (!OID.test(opts.commit)) throw refuse('not a full object id (40 hex digits)');

  const target = { dir: opts.dir, recipe, remote, timeoutMs: opts.timeoutMs, signal: opts.signal };
  const step = checkoutSteps(target);
  const prepared = await prepareCheckoutDir(target, step);
  const fetch = (doing: string, args: readonly string[]) =>
    gitStep(step(doing, { remote: opts.url, auth: opts.auth, failCode: 'FETCH_FAILED' }), [
      'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', ...args,
    ]);
  const unreachable = (why: string, cause?: unknown) =>
    new MirrorSyncError(
      'COMMIT_UNREACHABLE',
      { recipe, remote, stage: 'checkout', detail: `${recipe}: commit ${opts.commit} cannot be fetched from ${remote}: ${why}. Nothing was checked out; push a branch or tag that contains it to the mirror, or record a canonical the mirror still has.` },
      cause === undefined ? undefined : { cause },
    );
  try {
    // Protocol v2 servers accept a want of any commit they can reach.
    await fetch(`fetching commit ${opts.commit}`, ['--', opts.url, opts.commit]);
    if (!(await isCommit(step, opts.commit))) throw unreachable('the mirror sent no such commit');
  } catch (direct) {
    if (!(direct instanceof MirrorSyncError) || direct.code !== 'FETCH_FAILED') throw direct;
    await fetch('fetching the branches and tags', [
      '--prune', '--', opts.url, `+refs/heads/*:${NAMESPACE}/heads/*`, `+refs/tags/*:${NAMESPACE}/tags/*`,
    ]);
    if (!(await isCommit(step, opts.commit)))
      throw unreachable('the mirror refused it and no branch or tag there contains it (force-pushed away, or never pushed)', direct);
    const containing = await gitStep(step('finding a ref that contains the commit'), [
      'for-each-ref', '--count=1', '--format=%(refname)', `--contains=${opts.commit}`, NAMESPACE,
    ]);
    if (containing.stdout.trim() === '')
      throw unreachable('no branch or tag there contains it any more (force-pushed away)', direct);
  }
  return detachAt(target, step, opts.commit, `commit ${opts.commit}`, prepared);
}

async function isCommit(step: StepFor, oid: string): Promise<boolean> {
  const result = await gitStep(step('looking up the commit', { okCodes: [0, 1, 128] }), ['cat-file', '-e', `${oid}^{commit}`]);
  return result.exitCode === 0;
}
