import { createFleet, pushPullRef, type Fleet } from '@canon/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRemoteRefs, toRemoteRefs } from '../list-refs.js';
import { listWithGit } from './ls-remote.js';

describe('listWithGit (the ssh path)', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await createFleet({
      recipes: [{ name: 'app', releases: ['1.0.0+1', { version: '1.1.0+1', annotated: false }] }],
      presynced: true,
    });
    await pushPullRef(fleet.recipe('app').mirror, { number: 2, head: 'main~1', branch: 'pr' });
  });
  afterAll(() => fleet.close());

  it('sees the same refs as the in-process listing', async () => {
    const { mirrorUrl } = fleet.recipe('app');
    const viaGit = toRemoteRefs(
      await listWithGit(mirrorUrl, {
        stage: 'list-mirror',
        recipe: 'app',
        auth: undefined,
        timeoutMs: 10_000,
      }),
    );
    expect(viaGit).toEqual(await listRemoteRefs(mirrorUrl));
  });

  it('reports failures at the stage it was given', async () => {
    const { mirrorUrl, mirror } = fleet.recipe('app');
    fleet.server.setFault(mirror.name, 'outage');
    try {
      await expect(
        listWithGit(mirrorUrl, {
          stage: 'list-mirror',
          recipe: 'app',
          auth: undefined,
          timeoutMs: 10_000,
        }),
      ).rejects.toMatchObject({
        code: 'REMOTE_UNAVAILABLE',
        stage: 'list-mirror',
        data: { status: 503 },
      });
    } finally {
      fleet.server.setFault(mirror.name, null);
    }
  });
});
