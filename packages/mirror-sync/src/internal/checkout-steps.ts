import { mkdir } from 'node:fs/promises';
import { MirrorSyncError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS } from './defaults.js';
import { gitStep, type GitStep } from './git-step.js';
import { detachedHeadFile, hasRepositoryDir, isEmptyDir } from './local-repo.js';

export type CheckoutTarget = {
  dir: string;
  recipe: string;
  /** Redacted, for messages. */
  remote: string;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
};

export type StepFor = (doing: string, extra?: Partial<GitStep>) => GitStep;

/** Local checkout steps by default; a fetch passes `remote`, `auth` and its own `failCode`. */
export function checkoutSteps(target: CheckoutTarget): StepFor {
  const timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return (doing, extra = {}) => ({
    stage: 'checkout',
    recipe: target.recipe,
    remote: null,
    timeoutMs,
    cwd: target.dir,
    failCode: 'CHECKOUT_FAILED',
    doing,
    signal: target.signal,
    ...extra,
  });
}

/** What the checkout directory held before: a new repository in an empty directory has nothing to clean. */
export type PreparedDir = { fresh: boolean };

/** Makes `dir` a git repository; an existing one is reused as it is (without running git). */
export async function prepareCheckoutDir(target: CheckoutTarget, step: StepFor): Promise<PreparedDir> {
  if (await hasRepositoryDir(target.dir)) return { fresh: false };
  await mkdir(target.dir, { recursive: true });
  const fresh = await isEmptyDir(target.dir);
  // No template: a checkout needs no sample hooks, and no hooks of the host's template either.
  await gitStep(step('preparing the checkout directory'), ['init', '--quiet', '--template=']);
  return { fresh };
}

/**
 * Forces the checkout to a detached HEAD at `commit`, removes leftovers and verifies HEAD.
 * `what` names the checked-out thing in messages (a tag, or the commit itself).
 */
export async function detachAt(
  target: CheckoutTarget,
  step: StepFor,
  commit: string,
  what: string,
  prepared: PreparedDir,
): Promise<{ dir: string; commit: string }> {
  await gitStep(step(`checking out ${what}`), ['checkout', '--quiet', '--force', '--detach', commit]);
  // A cold test must not see files an earlier run left behind; a fresh one has none.
  if (!prepared.fresh) await gitStep(step('removing untracked files'), ['clean', '-ffdxq']);
  const head =
    (await detachedHeadFile(target.dir)) ?? (await gitStep(step('reading HEAD'), ['rev-parse', '--verify', 'HEAD'])).stdout.trim();
  if (head !== commit) {
    throw new MirrorSyncError('HEAD_MISMATCH', { recipe: target.recipe, remote: target.remote, stage: 'checkout', detail: `${target.recipe}: after checking out ${what}, HEAD is ${head}, expected ${commit}. Remove ${target.dir} and retry.` });
  }
  return { dir: target.dir, commit: head };
}
