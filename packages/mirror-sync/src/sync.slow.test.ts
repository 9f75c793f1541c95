import {
  commit,
  createFleet,
  deleteTag,
  moveTag,
  pushPullRef,
  readRefs,
  revParse,
  setHead,
  setRefs,
  tag,
  type Fleet,
  type FleetRecipe,
} from '@canon/testkit';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncMirror } from './sync.js';
import type { SyncOptions } from './types.js';

describe('syncMirror', () => {
  let fleet: Fleet;
  let workDir: string;
  beforeAll(async () => {
    fleet = await createFleet({
      recipes: [
        { name: 'fresh', presynced: false },
        'noop',
        'commits',
        'tags',
        'bulk',
        'others',
        'follow-head',
        'explicit-branch',
      ],
      presynced: true,
    });
    workDir = await mkdtemp(join(tmpdir(), 'canon-mirror-sync-work-'));
  });
  afterAll(async () => {
    await fleet.close();
    await rm(workDir, { recursive: true, force: true });
  });

  const options = (r: FleetRecipe, extra: Partial<SyncOptions> = {}): SyncOptions => ({
    recipe: r.name,
    upstream: r.upstreamUrl,
    mirror: r.mirrorUrl,
    branch: 'HEAD',
    workDir,
    ...extra,
  });
  const branchesAndTags = (refs: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(refs).filter(
        ([ref]) => ref.startsWith('refs/heads/main') || ref.startsWith('refs/tags/'),
      ),
    );

  it('fills an empty mirror with upstream main and every tag', async () => {
    const r = fleet.recipe('fresh');
    const result = await syncMirror(options(r));
    expect(result).toMatchObject({
      status: 'synced',
      changed: true,
      mainBefore: null,
      mainAfter: r.upstream.main,
      pushedTags: ['0.1.0+1.0.0', '0.2.0+1.1.0'],
      movedTags: [],
      deletedTags: [],
      warnings: [],
    });
    expect((await readRefs(r.mirror)).refs).toEqual((await readRefs(r.upstream)).refs);
  });

  it('does nothing but two ref listings when the mirror already matches', async () => {
    const r = fleet.recipe('noop');
    const before = await readRefs(r.mirror);
    fleet.server.resetCounters();
    const result = await syncMirror(options(r));
    expect(fleet.server.requests.count).toBe(2);
    expect(fleet.server.requests.log.map((e) => [e.repo, e.service, e.method])).toEqual(
      expect.arrayContaining([
        [r.upstream.name, 'git-upload-pack', 'GET'],
        [r.mirror.name, 'git-upload-pack', 'GET'],
      ]),
    );
    expect(result).toMatchObject({
      status: 'unchanged',
      changed: false,
      mainBefore: r.upstream.main,
      mainAfter: r.upstream.main,
      pushedTags: [],
    });
    expect(result.tags.map((t) => t.name)).toEqual(['0.1.0+1.0.0', '0.2.0+1.1.0']);
    expect(await readRefs(r.mirror)).toEqual(before);
  });

  it('moves main forward when upstream has new commits', async () => {
    const r = fleet.recipe('commits');
    const head = await commit(r.upstream, {
      files: { 'compose.yml': 'services: {}\n' },
      message: 'upstream work',
    });
    const result = await syncMirror(options(r));
    expect(result).toMatchObject({
      status: 'synced',
      mainBefore: r.upstream.main,
      mainAfter: head,
      pushedTags: [],
    });
    expect(await revParse(r.mirror, 'refs/heads/main')).toBe(head);
  });

  it('pushes new tags, moves moved ones and deletes deleted ones, annotated and lightweight alike', async () => {
    const r = fleet.recipe('tags');
    const next = await commit(r.upstream, { files: { VERSION: '0.3.0\n' } });
    await tag(r.upstream, '0.3.0+1.2.0', next);
    await tag(r.upstream, '0.3.1+1.2.0', next, { annotated: false });
    await moveTag(r.upstream, '0.2.0+1.1.0', next); // annotated, re-pointed
    await tag(r.mirror, 'light-moved', 'main~1', { annotated: false });
    await tag(r.upstream, 'light-moved', 'main', { annotated: false });
    await deleteTag(r.upstream, '0.1.0+1.0.0');
    const result = await syncMirror(options(r));
    expect(result.pushedTags.sort()).toEqual([
      '0.2.0+1.1.0',
      '0.3.0+1.2.0',
      '0.3.1+1.2.0',
      'light-moved',
    ]);
    expect(result.movedTags.sort()).toEqual(['0.2.0+1.1.0', 'light-moved']);
    expect(result.deletedTags).toEqual(['0.1.0+1.0.0']);
    expect(result.warnings.map((w) => `${w.code} ${w.message.split(' ')[1] ?? ''}`).sort()).toEqual(
      ['tag-deleted 0.1.0+1.0.0', 'tag-moved 0.2.0+1.1.0', 'tag-moved light-moved'],
    );
    expect(branchesAndTags((await readRefs(r.mirror)).refs)).toEqual(
      branchesAndTags((await readRefs(r.upstream)).refs),
    );
    const again = await syncMirror(options(r));
    expect(again.status).toBe('unchanged');
  });

  it('pushes 200 new tags with a single push', async () => {
    const r = fleet.recipe('bulk');
    const refs: Record<string, string> = {};
    for (let i = 0; i < 200; i += 1) refs[`refs/tags/9.${String(i)}.0+1.0`] = 'main';
    await setRefs(r.upstream, refs);
    fleet.server.resetCounters();
    const started = Date.now();
    const result = await syncMirror(options(r));
    expect(result.pushedTags).toHaveLength(200);
    const pushes = fleet.server.requests
      .forRepo(r.mirror.name)
      .filter((e) => e.method === 'POST' && e.service === 'git-receive-pack');
    expect(pushes).toHaveLength(1);
    expect(
      Object.keys((await readRefs(r.mirror)).refs).filter((ref) => ref.startsWith('refs/tags/9.')),
    ).toHaveLength(200);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('never touches other branches or refs/pull/* on the mirror, even when main is rewritten', async () => {
    const r = fleet.recipe('others');
    await commit(r.mirror, {
      branch: 'ci-config',
      parents: ['main'],
      files: { '.drone.yml': 'ours\n' },
    });
    await pushPullRef(r.mirror, { number: 3, head: 'refs/heads/ci-config' });
    await commit(r.mirror, { files: { 'LOCAL.md': 'a commit only the mirror has\n' } });
    const before = (await readRefs(r.mirror)).refs;
    const result = await syncMirror(options(r));
    expect(result.mainAfter).toBe(r.upstream.main);
    const after = (await readRefs(r.mirror)).refs;
    expect(after['refs/heads/main']).toBe(r.upstream.main);
    for (const ref of ['refs/heads/ci-config', 'refs/pull/3/head'])
      expect(after[ref]).toBe(before[ref]);
  });

  it("follows upstream's HEAD, or the branch it is told", async () => {
    const follow = fleet.recipe('follow-head');
    const trunk = await commit(follow.upstream, {
      branch: 'trunk',
      parents: ['main'],
      files: { TRUNK: 'yes\n' },
    });
    await setHead(follow.upstream, 'trunk');
    const followed = await syncMirror(options(follow));
    expect(followed).toMatchObject({ mainBefore: null, mainAfter: trunk });
    expect(await revParse(follow.mirror, 'refs/heads/trunk')).toBe(trunk);
    expect(await revParse(follow.mirror, 'refs/heads/main')).toBe(follow.upstream.main);

    const explicit = fleet.recipe('explicit-branch');
    const dev = await commit(explicit.upstream, {
      branch: 'develop',
      parents: ['main'],
      files: { DEV: 'yes\n' },
    });
    expect((await syncMirror(options(explicit, { branch: 'develop' }))).mainAfter).toBe(dev);
    await expect(syncMirror(options(explicit, { branch: 'nope' }))).rejects.toMatchObject({
      code: 'BRANCH_NOT_FOUND',
      stage: 'list-upstream',
    });
  });
});
