import type { RemoteTag } from '../types.js';
import { gitStep } from './git-step.js';

/**
 * Makes the cache repository's tags exactly `tags` (the listing the sync planned from) in one
 * `update-ref --stdin` transaction, after a wildcard fetch that may have seen upstream a
 * moment later. The push then sends refs/tags/* wholesale: one refspec, not one per tag
 * (per-tag refspecs made a 5,000-tag first sync take minutes in git's refspec matching).
 */
export async function pinCacheTags(
  step: { recipe: string; cwd: string; timeoutMs: number; signal?: AbortSignal | undefined },
  tags: readonly RemoteTag[],
): Promise<void> {
  const common = { stage: 'fetch', recipe: step.recipe, remote: null, cwd: step.cwd, timeoutMs: step.timeoutMs, failCode: 'FETCH_FAILED', signal: step.signal } as const;
  const listed = await gitStep({ ...common, doing: 'listing the cache repository\'s tags' }, [
    'for-each-ref',
    '--format=%(refname)',
    'refs/tags/',
  ]);
  const wanted = new Map(tags.map((t) => [`refs/tags/${t.name}`, t.oid ?? t.commit]));
  const lines = [
    ...listed.stdout.split('\n').filter((ref) => ref !== '' && !wanted.has(ref)).map((ref) => `delete ${ref}`),
    ...[...wanted].map(([ref, oid]) => `update ${ref} ${oid}`),
  ];
  await gitStep(
    { ...common, doing: 'setting the cache repository\'s tags to the listed upstream oids (an object missing means upstream changed during the sync)', input: `${lines.join('\n')}\n` },
    ['update-ref', '--stdin'],
  );
}
