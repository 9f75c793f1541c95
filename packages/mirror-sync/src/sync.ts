import { isRecipeName, RECIPE_NAME_SHAPE } from '@canon/trigger';
import { MirrorSyncError } from './errors.js';
import { ensureCacheRepo } from './internal/cache-repo.js';
import { DEFAULT_TIMEOUT_MS } from './internal/defaults.js';
import { gitStep, type GitStep } from './internal/git-step.js';
import { pinCacheTags } from './internal/pin-tags.js';
import { planTags, tagWarnings } from './internal/plan.js';
import { cleanupPulls } from './internal/pull-cleanup.js';
import { isValidRefName, OID } from './internal/ref-name.js';
import { listRemoteRefs } from './list-refs.js';
import type { RemoteRefs, SyncOptions, SyncResult } from './types.js';
import { redactUrl, validateRemoteUrl } from './url.js';

function checkOptions(opts: SyncOptions): void {
  const problems: string[] = [];
  if (!isRecipeName(opts.recipe))
    problems.push(`recipe ${JSON.stringify(opts.recipe)} does not match ${RECIPE_NAME_SHAPE}`);
  if (opts.branch !== 'HEAD' && !isValidRefName(`refs/heads/${opts.branch}`))
    problems.push(`branch ${JSON.stringify(opts.branch)} is not a valid branch name`);
  if (!opts.workDir) problems.push('workDir is empty');
  if (problems.length > 0) {
    throw new MirrorSyncError('INVALID_OPTIONS', { recipe: opts.recipe, remote: redactUrl(opts.upstream), stage: 'list-upstream', detail: `mirror sync refused: ${problems.join('; ')}.` });
  }
  for (const [url, stage] of [
    [opts.upstream, 'list-upstream'],
    [opts.mirror, 'list-mirror'],
  ] as const) {
    const valid = validateRemoteUrl(url);
    if (!valid.ok) {
      throw new MirrorSyncError('INVALID_URL', { recipe: opts.recipe, remote: redactUrl(url), stage, detail: `${opts.recipe}: refusing remote ${JSON.stringify(redactUrl(url))}: ${valid.reason}. Fix the URL in the config.` });
    }
  }
}

async function listBoth(opts: SyncOptions, timeoutMs: number): Promise<[RemoteRefs, RemoteRefs]> {
  const [up, mi] = await Promise.allSettled([
    opts.upstreamRefs ??
      listRemoteRefs(opts.upstream, {
        stage: 'list-upstream',
        recipe: opts.recipe,
        timeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.auth?.upstream ? { auth: opts.auth.upstream } : {}),
      }),
    opts.mirrorRefs ??
      listRemoteRefs(opts.mirror, {
        stage: 'list-mirror',
        recipe: opts.recipe,
        timeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.auth?.mirror ? { auth: opts.auth.mirror } : {}),
      }),
  ]);
  if (up.status === 'rejected') throw up.reason;
  if (mi.status === 'rejected') throw mi.reason;
  return [up.value, mi.value];
}

/** Every upstream ref name and oid is checked before any of them reaches git's argv. */
function checkUpstreamRefs(
  recipe: string,
  upstream: string,
  refs: RemoteRefs,
  branch: string,
): void {
  const bad = [
    ...refs.tags
      .filter(
        (t) =>
          !isValidRefName(`refs/tags/${t.name}`) ||
          !OID.test(t.commit) ||
          (t.oid !== undefined && !OID.test(t.oid)),
      )
      .map((t) => `refs/tags/${t.name}`),
    ...(OID.test(refs.branches[branch] ?? '') ? [] : [`refs/heads/${branch}`]),
  ];
  if (bad.length > 0) {
    throw new MirrorSyncError('INVALID_REF', { recipe, remote: redactUrl(upstream), refs: bad, stage: 'list-upstream', detail: `${recipe}: upstream advertised refs that are not valid git ref names or object ids: ${bad.map((r) => JSON.stringify(r)).join(', ')}. Nothing was pushed; report this to the upstream maintainers.` });
  }
}

/**
 * Makes the mirror's branch and tags equal upstream's — nothing else — and closes PRs
 * the new branch already contains. A no-op costs two ref listings (plus one PR listing).
 */
export async function syncMirror(opts: SyncOptions): Promise<SyncResult> {
  checkOptions(opts);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const [upstreamRefs, mirrorRefs] = await listBoth(opts, timeoutMs);

  const branch = opts.branch === 'HEAD' ? upstreamRefs.head : opts.branch;
  if (branch === null) {
    throw new MirrorSyncError('NO_DEFAULT_BRANCH', { recipe: opts.recipe, remote: redactUrl(opts.upstream), stage: 'list-upstream', detail: `${opts.recipe}: upstream ${redactUrl(opts.upstream)} does not say which branch HEAD points at (empty repository?). Set "branch" for this recipe.` });
  }
  const mainAfter = upstreamRefs.branches[branch];
  if (mainAfter === undefined) {
    throw new MirrorSyncError('BRANCH_NOT_FOUND', { recipe: opts.recipe, remote: redactUrl(opts.upstream), stage: 'list-upstream', detail: `${opts.recipe}: upstream has no branch ${JSON.stringify(branch)} (it has ${Object.keys(upstreamRefs.branches).join(', ') || 'none'}). Fix "branch" for this recipe.` });
  }
  checkUpstreamRefs(opts.recipe, opts.upstream, upstreamRefs, branch);

  const mainBefore = mirrorRefs.branches[branch] ?? null;
  const plan = planTags(upstreamRefs, mirrorRefs);
  const changed = mainBefore !== mainAfter || plan.push.length > 0 || plan.deleted.length > 0;
  const result: SyncResult = {
    status: changed ? 'synced' : 'unchanged',
    changed,
    mainBefore,
    mainAfter,
    pushedTags: plan.push.map((t) => t.name),
    movedTags: plan.moved.map((m) => m.tag.name),
    deletedTags: plan.deleted.map((t) => t.name),
    closedPulls: [],
    keptPulls: [],
    warnings: tagWarnings(plan),
    tags: upstreamRefs.tags.map((t) => ({ ...t })),
  };

  let cache: string | null = null;
  const cacheRepo = async () => (cache ??= await ensureCacheRepo(opts.workDir, opts.recipe));

  if (changed) {
    const cwd = await cacheRepo();
    const tagsChange = plan.push.length > 0 || plan.deleted.length > 0;
    // Wildcards, then the cache's tags pinned to the oids that were listed: what is reported is what lands.
    const fetchSpecs = [`+refs/heads/${branch}:refs/heads/${branch}`, ...(tagsChange ? ['+refs/tags/*:refs/tags/*'] : [])];
    // The two network steps of a changed mirror: the same options but for the remote they talk to.
    // A sync fetches from upstream and pushes to the mirror: the stage names the side and the failure.
    const remoteStep = (stage: 'fetch' | 'push', doing: string): GitStep => {
      const side = stage === 'fetch' ? 'upstream' : 'mirror';
      const failCode = stage === 'fetch' ? 'FETCH_FAILED' : 'PUSH_FAILED';
      return { stage, recipe: opts.recipe, remote: opts[side], auth: opts.auth?.[side], timeoutMs, cwd, failCode, doing, signal: opts.signal };
    };
    await gitStep(
      remoteStep('fetch', 'fetching from upstream'),
      [
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        '--',
        opts.upstream,
        ...fetchSpecs,
      ],
    );
    if (tagsChange) await pinCacheTags({ recipe: opts.recipe, cwd, timeoutMs, signal: opts.signal }, upstreamRefs.tags);
    const pushSpecs = [
      ...(mainBefore === mainAfter ? [] : [`+${mainAfter}:refs/heads/${branch}`]),
      ...(tagsChange ? ['+refs/tags/*:refs/tags/*'] : []),
    ];
    // One atomic push for the branch and every tag: all of it lands, or none. --prune deletes
    // the mirror's tags upstream no longer has; it only reaches refs/tags/, the wildcard's side.
    await gitStep(
      remoteStep('push', 'pushing to the mirror'),
      ['push', '--quiet', '--atomic', '--no-verify', ...(tagsChange ? ['--prune'] : []), '--', opts.mirror, ...pushSpecs],
    );
  }

  if (opts.forge) {
    await cleanupPulls({
      recipe: opts.recipe,
      forge: opts.forge,
      mirror: opts.mirror,
      mirrorAuth: opts.auth?.mirror,
      mirrorPulls: mirrorRefs.pulls,
      branch,
      mainAfter,
      cache: await cacheRepo(),
      timeoutMs,
      result,
    });
  }
  return result;
}
