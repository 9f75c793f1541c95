import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleet, type Fleet } from './fleet.js';
import { deleteTag, moveTag, readFileAt, readRefs, revParse, tag } from './repos.js';

describe('createFleet', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await createFleet({
      recipes: [
        {
          name: 'gitea',
          releases: [
            '3.5.0+1.23.0-rootless',
            { version: '3.6.0+1.24.2-rootless', annotated: false },
          ],
          untaggedCommits: 1,
        },
        { name: 'custom-html', presynced: false },
      ],
      presynced: true,
      forge: { token: 'forge-secret' },
    });
  });
  afterAll(() => fleet.close());

  it('builds upstream repos with annotated and lightweight release tags and HEAD → main', async () => {
    const gitea = fleet.recipe('gitea');
    const { head, refs } = await readRefs(gitea.upstream);
    expect(head).toBe('refs/heads/main');
    const [annotated, lightweight] = gitea.upstream.tags;
    expect(annotated?.oid).not.toBe(annotated?.commit);
    expect(lightweight?.oid).toBe(lightweight?.commit);
    expect(refs['refs/tags/3.6.0+1.24.2-rootless']).toBe(lightweight?.commit);
    expect(await readFileAt(gitea.upstream, '3.6.0+1.24.2-rootless', 'VERSION')).toBe(
      '3.6.0+1.24.2-rootless',
    );
    expect(refs['refs/heads/main']).not.toBe(lightweight?.commit);
  });

  it('pre-syncs mirrors on request and leaves others empty', async () => {
    const gitea = fleet.recipe('gitea');
    const upstream = (await readRefs(gitea.upstream)).refs;
    expect((await readRefs(gitea.mirror)).refs).toEqual(upstream);
    expect((await readRefs(fleet.recipe('custom-html').mirror)).refs).toEqual({});
    expect(fleet.recipe('custom-html').mirrorUrl).toBe(
      `${fleet.server.baseUrl}/ci-mirrors/custom-html.git`,
    );
  });

  it('moves and deletes tags, including names that look like options or shell', async () => {
    const html = fleet.recipe('custom-html');
    const hostile = '--upload-pack=touch${IFS}pwned';
    const created = await tag(html.upstream, hostile, 'main');
    expect(created.oid).not.toBe(created.commit);
    expect(await revParse(html.upstream, `refs/tags/${hostile}^{commit}`)).toBe(created.commit);
    const moved = await moveTag(html.upstream, '0.2.0+1.1.0', 'main~1');
    expect(moved.commit).toBe(await revParse(html.upstream, 'main~1'));
    await deleteTag(html.upstream, hostile);
    expect(Object.keys((await readRefs(html.upstream)).refs)).not.toContain(`refs/tags/${hostile}`);
  });

  it('opens PRs: branch and refs/pull/<n>/head on the mirror, the PR on the forge', async () => {
    const gitea = fleet.recipe('gitea');
    const pr = await fleet.openPull('gitea', {
      branch: 'fix-healthcheck',
      files: { 'compose.yml': 'changed\n' },
    });
    const { refs } = await readRefs(gitea.mirror);
    expect(refs['refs/pull/1/head']).toBe(pr.head);
    expect(refs['refs/heads/fix-healthcheck']).toBe(pr.head);
    expect(fleet.forge?.pull('ci-mirrors', 'gitea', 1)).toMatchObject({
      state: 'open',
      head: { ref: 'fix-healthcheck', sha: pr.head },
    });
  });
});
