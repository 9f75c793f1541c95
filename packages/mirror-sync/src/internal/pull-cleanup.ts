import type { ForgeTarget, RemoteAuth, SyncResult } from '../types.js';
import { forgeClient } from './forge-client.js';
import { gitStep } from './git-step.js';

export type PullCleanupContext = {
  recipe: string;
  forge: ForgeTarget;
  mirror: string;
  mirrorAuth: RemoteAuth | undefined;
  /** The mirror branch PRs target, and its commit after the sync. */
  branch: string;
  mainAfter: string;
  cache: string;
  timeoutMs: number;
  /** Mutated as PRs are decided, so an error carries what was already done. */
  result: SyncResult;
};

/**
 * Closes every open PR on the mirror whose merge into the new main would change nothing
 * (`git merge-tree --write-tree` gives main's own tree); leaves all others exactly as they are.
 */
export async function cleanupPulls(ctx: PullCleanupContext): Promise<void> {
  const client = forgeClient({ recipe: ctx.recipe, forge: ctx.forge, timeoutMs: ctx.timeoutMs, result: () => structuredClone(ctx.result) });
  const pulls = await client.listOpenPulls();
  const candidates = pulls.filter((p) => p.baseRef === ctx.branch);
  ctx.result.keptPulls.push(...pulls.filter((p) => p.baseRef !== ctx.branch).map((p) => p.number));
  if (candidates.length === 0) return;

  const local = { stage: 'fetch' as const, recipe: ctx.recipe, remote: null, timeoutMs: ctx.timeoutMs, cwd: ctx.cache, failCode: 'FETCH_FAILED' as const };
  const withResult = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof Error && 'data' in error && typeof error.data === 'object' && error.data !== null) {
        Object.assign(error.data, { result: structuredClone(ctx.result) });
      }
      throw error;
    }
  };
  // One fetch for every PR head; refs a PR lacks on the mirror simply do not arrive.
  await withResult(() =>
    gitStep(
      { ...local, remote: ctx.mirror, auth: ctx.mirrorAuth, doing: 'fetching pull request heads from the mirror' },
      [
        'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--prune', '--', ctx.mirror,
        `+refs/heads/${ctx.branch}:refs/canon/mirror/${ctx.branch}`,
        '+refs/pull/*/head:refs/canon/pull/*',
      ],
    ),
  );
  const mainTree = (await withResult(() => gitStep({ ...local, doing: 'reading the main tree' }, ['rev-parse', '--verify', `${ctx.mainAfter}^{tree}`]))).stdout.trim();
  const subject = (await withResult(() => gitStep({ ...local, doing: 'reading the main commit' }, ['log', '-1', '--format=%s', ctx.mainAfter]))).stdout.trim();

  for (const pull of candidates) {
    const head = await gitStep({ ...local, doing: `resolving PR #${String(pull.number)}`, okCodes: [0, 1] }, [
      'rev-parse', '--verify', '--quiet', `refs/canon/pull/${String(pull.number)}^{commit}`,
    ]);
    if (head.exitCode !== 0) {
      ctx.result.keptPulls.push(pull.number);
      ctx.result.warnings.push({ code: 'pull-head-missing', message: `PR #${String(pull.number)} has no refs/pull/${String(pull.number)}/head on the mirror; left open` });
      continue;
    }
    const merged = await withResult(() =>
      gitStep({ ...local, doing: `test-merging PR #${String(pull.number)}`, okCodes: [0, 1] }, [
        'merge-tree', '--write-tree', '--no-messages', ctx.mainAfter, head.stdout.trim(),
      ]),
    );
    const tree = merged.stdout.split('\n')[0]?.trim();
    if (merged.exitCode !== 0 || tree !== mainTree) {
      ctx.result.keptPulls.push(pull.number);
      continue;
    }
    const body =
      `Upstream's \`${ctx.branch}\` already contains this change as of ${ctx.mainAfter} ("${subject}"): ` +
      `merging this pull request into \`${ctx.branch}\` would change nothing (\`git merge-tree --write-tree\` gives ${ctx.branch}'s own tree). ` +
      'Closed by canon while syncing the mirror.';
    await client.closeWithComment(pull.number, body);
    ctx.result.closedPulls.push(pull.number);
  }
}
