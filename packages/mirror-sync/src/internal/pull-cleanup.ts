import type { ForgeTarget, RemoteAuth, SyncResult } from '../types.js';
import { forgeClient } from './forge-client.js';
import { gitStep } from './git-step.js';

/** How far back along main the comment looks for the commit that brought the change. */
const MAX_SEARCH = 64;

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
  /** `refs/pull/<n>/head` as the mirror listing advertised them, when known. */
  mirrorPulls: Record<number, string> | undefined;
  /** Mutated as PRs are decided, so an error carries what was already done. */
  result: SyncResult;
};

/**
 * Closes every open PR on the mirror whose merge into the new main would change nothing
 * (`git merge-tree --write-tree` gives main's own tree); leaves all others exactly as they are.
 */
export async function cleanupPulls(ctx: PullCleanupContext): Promise<void> {
  const client = forgeClient({
    recipe: ctx.recipe,
    forge: ctx.forge,
    timeoutMs: ctx.timeoutMs,
    result: () => structuredClone(ctx.result),
  });
  const pulls = await client.listOpenPulls();
  const candidates = pulls.filter((p) => p.baseRef === ctx.branch);
  ctx.result.keptPulls.push(...pulls.filter((p) => p.baseRef !== ctx.branch).map((p) => p.number));
  if (candidates.length === 0) return;

  const localStep = {
    stage: 'fetch' as const,
    recipe: ctx.recipe,
    remote: null,
    timeoutMs: ctx.timeoutMs,
    cwd: ctx.cache,
    failCode: 'FETCH_FAILED' as const,
  };
  const withResult = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (
        error instanceof Error &&
        'data' in error &&
        typeof error.data === 'object' &&
        error.data !== null
      ) {
        Object.assign(error.data, { result: structuredClone(ctx.result) });
      }
      throw error;
    }
  };
  const localRefs = async (): Promise<Map<string, string>> => {
    const listed = await withResult(() =>
      gitStep({ ...localStep, doing: 'reading the cache refs' }, [
        'for-each-ref',
        '--format=%(objectname) %(refname)',
        `refs/heads/${ctx.branch}`,
        'refs/canon/',
      ]),
    );
    return new Map(
      listed.stdout
        .split('\n')
        .filter(Boolean)
        .map(
          (line) => [line.slice(line.indexOf(' ') + 1), line.slice(0, line.indexOf(' '))] as const,
        ),
    );
  };
  // Fetch PR heads only when the cache does not already hold exactly what the mirror
  // advertised: a repeated no-op sync then costs no extra round trip.
  const local = await localRefs();
  const known = ctx.mirrorPulls;
  const haveMain =
    local.get(`refs/heads/${ctx.branch}`) === ctx.mainAfter ||
    local.get(`refs/canon/mirror/${ctx.branch}`) === ctx.mainAfter;
  const haveHeads =
    known !== undefined &&
    candidates.every(
      (p) =>
        known[p.number] === undefined ||
        local.get(`refs/canon/pull/${String(p.number)}`) === known[p.number],
    );
  if (!haveMain || !haveHeads) {
    await withResult(() =>
      gitStep(
        {
          ...localStep,
          stage: 'fetch',
          remote: ctx.mirror,
          auth: ctx.mirrorAuth,
          failCode: 'FETCH_FAILED',
          doing: 'fetching pull request heads from the mirror',
        },
        [
          'fetch',
          '--quiet',
          '--no-tags',
          '--no-write-fetch-head',
          '--prune',
          '--',
          ctx.mirror,
          `+refs/heads/${ctx.branch}:refs/canon/mirror/${ctx.branch}`,
          '+refs/pull/*/head:refs/canon/pull/*',
        ],
      ),
    );
  }
  const heads = !haveMain || !haveHeads ? await localRefs() : local;
  const mainTree = (
    await withResult(() =>
      gitStep({ ...localStep, doing: 'reading the main tree' }, [
        'rev-parse',
        '--verify',
        `${ctx.mainAfter}^{tree}`,
      ]),
    )
  ).stdout.trim();
  const verdicts = new Map<string, boolean>();
  const alreadyContained = async (head: string, number: number): Promise<boolean> => {
    const cached = verdicts.get(head);
    if (cached !== undefined) return cached;
    const merged = await withResult(() =>
      gitStep({ ...localStep, doing: `test-merging PR #${String(number)}`, okCodes: [0, 1] }, [
        'merge-tree',
        '--write-tree',
        '--no-messages',
        ctx.mainAfter,
        head,
      ]),
    );
    const verdict = merged.exitCode === 0 && merged.stdout.split('\n')[0]?.trim() === mainTree;
    verdicts.set(head, verdict);
    return verdict;
  };
  // The comment names the first upstream commit (on main's first-parent line) that
  // already contains the PR: the PR head itself when upstream took it as is.
  const containingCommit = async (head: string): Promise<{ oid: string; subject: string }> => {
    const ancestor = await withResult(() =>
      gitStep({ ...localStep, doing: 'checking ancestry', okCodes: [0, 1] }, [
        'merge-base',
        '--is-ancestor',
        head,
        ctx.mainAfter,
      ]),
    );
    const log = await withResult(() =>
      gitStep(
        { ...localStep, doing: 'listing upstream commits' },
        ancestor.exitCode === 0
          ? ['log', '-1', '--format=%H %T %s', head]
          : [
              'log',
              '--first-parent',
              `--max-count=${String(MAX_SEARCH)}`,
              '--format=%H %T %s',
              ctx.mainAfter,
              `^${head}`,
            ],
      ),
    );
    const commits = log.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [oid = '', tree = '', ...subject] = line.split(' ');
        return { oid, tree, subject: subject.join(' ') };
      });
    if (ancestor.exitCode === 0 && commits[0]) return commits[0];
    for (const commit of commits.reverse()) {
      const merged = await withResult(() =>
        gitStep({ ...localStep, doing: 'locating the upstream commit', okCodes: [0, 1] }, [
          'merge-tree',
          '--write-tree',
          '--no-messages',
          commit.oid,
          head,
        ]),
      );
      if (merged.exitCode === 0 && merged.stdout.split('\n')[0]?.trim() === commit.tree)
        return commit;
    }
    return {
      oid: ctx.mainAfter,
      subject: commits.find((c) => c.oid === ctx.mainAfter)?.subject ?? '',
    };
  };

  for (const pull of candidates) {
    const head = heads.get(`refs/canon/pull/${String(pull.number)}`);
    if (head === undefined || (known !== undefined && known[pull.number] === undefined)) {
      ctx.result.keptPulls.push(pull.number);
      ctx.result.warnings.push({
        code: 'pull-head-missing',
        message: `PR #${String(pull.number)} has no refs/pull/${String(pull.number)}/head on the mirror; left open`,
      });
      continue;
    }
    if (!(await alreadyContained(head, pull.number))) {
      ctx.result.keptPulls.push(pull.number);
      continue;
    }
    const containing = await containingCommit(head);
    const body =
      `Upstream already contains this change: ${containing.oid} ("${containing.subject}"). ` +
      `Merging this pull request into \`${ctx.branch}\` at ${ctx.mainAfter} would change nothing ` +
      `(\`git merge-tree --write-tree\` gives ${ctx.branch}'s own tree), so canon closed it while syncing the mirror.`;
    await client.closeWithComment(pull.number, body);
    ctx.result.closedPulls.push(pull.number);
  }
}
