import {
  commit,
  copyRefs,
  createFleet,
  pushPullRef,
  readRefs,
  setRefs,
  type Fleet,
  type FleetRecipe,
} from '@canon/testkit';
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MirrorSyncError } from './errors.js';
import { syncMirror } from './sync.js';
import type { SyncOptions, SyncResult } from './types.js';

const CLOSED = [1, 2, 3, 4];
const KEPT = [5, 6, 7, 8];
const MANY = Array.from({ length: 56 }, (_, i) => 10 + i);

describe('syncMirror PR cleanup', () => {
  let fleet: Fleet;
  let workDir: string;
  let r: FleetRecipe;
  let mirrorBefore: Record<string, string>;
  let result: SyncResult;
  let ffHead: string;

  const options = (recipe: FleetRecipe, extra: Partial<SyncOptions> = {}): SyncOptions => ({
    recipe: recipe.name,
    upstream: recipe.upstreamUrl,
    mirror: recipe.mirrorUrl,
    branch: 'HEAD',
    workDir,
    forge: { url: fleet.forge?.url ?? '', token: fleet.forge?.token ?? '', ...recipe.forgeRepo },
    ...extra,
  });

  beforeAll(async () => {
    fleet = await createFleet({
      recipes: ['prs', 'forge-401', 'forge-500'],
      presynced: true,
      forge: { token: 'forge-s3cret' },
    });
    workDir = await mkdtemp(join(tmpdir(), 'canon-mirror-sync-prs-'));
    r = fleet.recipe('prs');
    const forge = fleet.forge;
    if (!forge) throw new Error('fleet has no forge');
    const { upstream, mirror } = r;
    const open = (number: number, head: string, ref: string, base = 'main') =>
      forge.addPull({ ...r.forgeRepo, number, head: { ref, sha: head }, base });
    const publish = async (number: number, branch: string) => {
      await copyRefs(upstream, mirror, [`+refs/heads/${branch}:refs/heads/${branch}`]);
      open(number, await pushPullRef(mirror, { number, head: `refs/heads/${branch}` }), branch);
    };
    const m0 = upstream.main;

    // #1 fast-forward: upstream later builds on the PR's very commit.
    ffHead = await commit(upstream, { branch: 'ff', parents: [m0], files: { 'ff.txt': 'ff\n' } });
    await publish(1, 'ff');
    // #2 squash-equivalent: two PR commits, one squashed commit upstream.
    await commit(mirror, { branch: 'squash', parents: [m0], files: { 'sq.txt': 'one\n' } });
    open(
      2,
      await pushPullRef(mirror, {
        number: 2,
        head: await commit(mirror, {
          branch: 'squash',
          files: { 'sq.txt': 'two\n', 'sq2.txt': 'x\n' },
        }),
      }),
      'squash',
    );
    // #3 cherry-picked: the same change, applied upstream as another commit, with more after it.
    open(
      3,
      await pushPullRef(mirror, {
        number: 3,
        head: await commit(mirror, {
          branch: 'pick',
          parents: [m0],
          files: { 'cp.txt': 'picked\n' },
        }),
      }),
      'pick',
    );
    // #4 criss-cross: main and the PR each merged a1 and b1 (in opposite order), so they have two merge bases.
    const a1 = await commit(upstream, { branch: 'cc-a', parents: [m0], files: { 'a.txt': 'a\n' } });
    const b1 = await commit(upstream, { branch: 'cc-b', parents: [m0], files: { 'b.txt': 'b\n' } });
    const mainSide = await commit(upstream, {
      branch: 'cc-main',
      parents: [a1, b1],
      files: { 'b.txt': 'b\n' },
    });
    const prSide = await commit(upstream, {
      branch: 'cc-pr',
      parents: [b1, a1],
      files: { 'a.txt': 'a\n' },
    });
    await commit(upstream, {
      branch: 'cc-pr',
      parents: [prSide],
      files: { 'cc.txt': 'same change\n' },
    });
    await publish(4, 'cc-pr');
    // #5 conflicting, #6 a real change, #7 already contained but aimed at another branch, #8 no head ref.
    open(
      5,
      await pushPullRef(mirror, {
        number: 5,
        head: await commit(mirror, {
          branch: 'conflict',
          parents: [m0],
          files: { 'compose.yml': 'ours\n' },
        }),
      }),
      'conflict',
    );
    const feature = await commit(mirror, {
      branch: 'feature',
      parents: [m0],
      files: { 'feature.txt': 'new\n' },
    });
    open(6, await pushPullRef(mirror, { number: 6, head: feature }), 'feature');
    open(7, await pushPullRef(mirror, { number: 7, head: m0 }), 'ci-config', 'ci-config');
    open(8, feature, 'lost');
    // Enough open PRs to need a second page.
    await setRefs(
      mirror,
      Object.fromEntries(MANY.map((n) => [`refs/pull/${String(n)}/head`, feature])),
    );
    for (const n of MANY) open(n, feature, 'feature');

    // Upstream moves on: it takes #1 as is, squashes #2, picks #3, merges the criss-cross, conflicts with #5.
    await commit(upstream, {
      parents: ['ff'],
      files: { 'sq.txt': 'two\n', 'sq2.txt': 'x\n' },
      message: 'squash of sq',
    });
    await commit(upstream, { files: { 'cp.txt': 'picked\n' }, message: 'cherry-pick' });
    await commit(upstream, {
      files: { 'later.txt': 'later\n', 'compose.yml': 'theirs\n' },
      message: 'later work',
    });
    await commit(upstream, {
      parents: ['main', mainSide],
      files: { 'a.txt': 'a\n', 'b.txt': 'b\n' },
      message: 'merge cc-main',
    });
    await commit(upstream, {
      files: { 'cc.txt': 'same change\n' },
      message: 'the criss-cross change',
    });

    mirrorBefore = (await readRefs(mirror)).refs;
    fleet.forge?.resetRequests();
    result = await syncMirror(options(r));
  });
  afterAll(async () => {
    await fleet.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('closes fast-forward, squash-equivalent, cherry-picked and criss-cross PRs, with a comment naming the upstream commit', async () => {
    const bases = await execa('git', [
      '--git-dir',
      r.upstream.path,
      'merge-base',
      '--all',
      'main',
      'cc-pr',
    ]);
    expect(String(bases.stdout).split('\n')).toHaveLength(2);
    expect(result.closedPulls.sort((a, b) => a - b)).toEqual(CLOSED);
    const named: Record<number, string> = {
      1: ffHead,
      2: '("squash of sq")',
      3: '("cherry-pick")',
      4: '("the criss-cross change")',
    };
    for (const n of CLOSED) {
      expect(fleet.forge?.pull('ci-mirrors', 'prs', n)?.state).toBe('closed');
      const comments = fleet.forge?.comments('ci-mirrors', 'prs', n) ?? [];
      expect(comments).toHaveLength(1);
      expect(comments[0]?.body).toContain(result.mainAfter);
      expect(comments[0]?.body).toContain(named[n]);
    }
  });

  it('leaves conflicting, changing, other-base and headless PRs exactly as they were', () => {
    expect(result.keptPulls.sort((a, b) => a - b)).toEqual([...KEPT, ...MANY]);
    for (const n of [...KEPT, ...MANY]) {
      expect(fleet.forge?.pull('ci-mirrors', 'prs', n)?.state).toBe('open');
      expect(fleet.forge?.comments('ci-mirrors', 'prs', n)).toEqual([]);
    }
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'pull-head-missing',
        message: expect.stringContaining('#8'),
      }),
    ]);
  });

  it('reads every page of open PRs and touches no mirror ref but main', async () => {
    const lists =
      fleet.forge?.requests.filter((q) => q.method === 'GET' && q.path.endsWith('/pulls')) ?? [];
    expect(lists.map((q) => new URLSearchParams(q.query).get('page'))).toEqual(['1', '2']);
    const after = (await readRefs(r.mirror)).refs;
    const { 'refs/heads/main': mainNow, ...rest } = after;
    const { 'refs/heads/main': _mainBefore, ...restBefore } = mirrorBefore;
    expect(mainNow).toBe(result.mainAfter);
    expect(rest).toEqual(restBefore);
  });

  it('a second sync re-checks open PRs without another fetch: two ref listings and one PR listing per page', async () => {
    fleet.server.resetCounters();
    fleet.forge?.resetRequests();
    const again = await syncMirror(options(r));
    expect(again).toMatchObject({ status: 'unchanged', closedPulls: [] });
    expect(fleet.server.requests.count).toBe(2);
    expect(fleet.forge?.requests.map((q) => q.method)).toEqual(['GET', 'GET']);
  });

  it.each([
    [401, 'AUTH_FAILED', 'forge-401'],
    [500, 'FORGE_FAILED', 'forge-500'],
  ] as const)(
    'a forge answering %i is a %s error at stage forge that still reports the sync',
    async (status, code, name) => {
      const recipe = fleet.recipe(name);
      const head = await commit(recipe.upstream, { files: { 'x.txt': 'x\n' } });
      const opts = options(recipe);
      if (status === 401)
        opts.forge = { url: fleet.forge?.url ?? '', token: 'wr0ng', ...recipe.forgeRepo };
      else fleet.forge?.setFailure(500);
      try {
        const error = (await syncMirror(opts).catch((e: unknown) => e)) as MirrorSyncError;
        expect(error).toBeInstanceOf(MirrorSyncError);
        expect(error).toMatchObject({
          code,
          stage: 'forge',
          data: { recipe: name, status, result: { status: 'synced', mainAfter: head } },
        });
        expect((await readRefs(recipe.mirror)).refs['refs/heads/main']).toBe(head);
        expect(`${error.message}${JSON.stringify(error.data)}`).not.toMatch(/wr0ng|forge-s3cret/);
      } finally {
        fleet.forge?.setFailure(null);
      }
    },
  );
});
