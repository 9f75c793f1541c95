import { commit, createFleet, readRefs, type Fleet, type FleetRecipe } from '@canon/testkit';
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MirrorSyncError } from './errors.js';
import { listRemoteRefs } from './list-refs.js';
import { syncMirror } from './sync.js';
import type { SyncOptions } from './types.js';

async function gitRemoteHelpersOf(marker: string): Promise<string[]> {
  const ps = await execa('ps', ['-eo', 'pid=,args='], { reject: false });
  return String(ps.stdout)
    .split('\n')
    .filter((l) => l.includes('git') && l.includes(marker));
}

describe('syncMirror failures', () => {
  let fleet: Fleet;
  let workDir: string;
  beforeAll(async () => {
    fleet = await createFleet({
      recipes: ['down', 'hung', 'fetch-down', 'push-hang', 'secret', 'wrong-token', 'rejecting'],
      presynced: true,
    });
    workDir = await mkdtemp(join(tmpdir(), 'canon-mirror-sync-fail-'));
    for (const r of fleet.recipes)
      await commit(r.upstream, { files: { 'NEW.md': 'new upstream work\n' } });
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
    timeoutMs: 1500,
    ...extra,
  });

  async function expectFailure(
    r: FleetRecipe,
    opts: SyncOptions,
    expected: { code: string; stage: string },
  ): Promise<MirrorSyncError> {
    const before = await readRefs(r.mirror);
    const error = await syncMirror(opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MirrorSyncError);
    expect(error).toMatchObject(expected);
    expect(await readRefs(r.mirror)).toEqual(before);
    return error as MirrorSyncError;
  }

  it('upstream down (503): stage list-upstream, mirror unchanged', async () => {
    const r = fleet.recipe('down');
    fleet.server.setFault(r.upstream.name, 'outage');
    const error = await expectFailure(r, options(r), {
      code: 'REMOTE_UNAVAILABLE',
      stage: 'list-upstream',
    });
    expect(error.data).toMatchObject({ recipe: 'down', remote: r.upstreamUrl, status: 503 });
    expect(error.message).toContain('503');
  });

  it('upstream hanging: stage list-upstream after the timeout, mirror unchanged', async () => {
    const r = fleet.recipe('hung');
    fleet.server.setFault(r.upstream.name, 'hang');
    const started = Date.now();
    await expectFailure(r, options(r), { code: 'TIMEOUT', stage: 'list-upstream' });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('upstream going down between listing and fetch: stage fetch, mirror unchanged', async () => {
    const r = fleet.recipe('fetch-down');
    const upstreamRefs = await listRemoteRefs(r.upstreamUrl);
    fleet.server.setFault(r.upstream.name, 'outage');
    const error = await expectFailure(r, options(r, { upstreamRefs }), {
      code: 'REMOTE_UNAVAILABLE',
      stage: 'fetch',
    });
    expect(error.data.argv?.[0]).toBe('git');
    expect(error.data.stderrTail).toContain('503');
  });

  it('mirror hanging on push: stage push, git and its helpers killed, mirror unchanged', async () => {
    const r = fleet.recipe('push-hang');
    const mirrorRefs = await listRemoteRefs(r.mirrorUrl);
    fleet.server.setFault(r.mirror.name, 'hang');
    const started = Date.now();
    const error = await expectFailure(r, options(r, { mirrorRefs }), {
      code: 'TIMEOUT',
      stage: 'push',
    });
    expect(Date.now() - started).toBeLessThan(6000);
    expect(error.message).toContain('process group was killed');
    expect(await gitRemoteHelpersOf(r.mirrorUrl)).toEqual([]);
  });

  it('sends tokens as a header, never in argv, messages, data or results', async () => {
    const r = fleet.recipe('secret');
    fleet.server.requireToken(r.upstream.name, 'up-s3cret');
    fleet.server.requireToken(r.mirror.name, 'mirror-s3cret');
    const result = await syncMirror(
      options(r, {
        auth: { upstream: { token: 'up-s3cret' }, mirror: { token: 'mirror-s3cret' } },
      }),
    );
    expect(result.status).toBe('synced');
    expect(JSON.stringify(result)).not.toMatch(/s3cret/);
    expect(
      fleet.server.requests
        .forRepo(r.mirror.name)
        .filter((e) => e.service === 'git-receive-pack')
        .every((e) => e.authorized),
    ).toBe(true);
  });

  it.each([
    ['listing', 'list-mirror', false],
    ['pushing', 'push', true],
  ] as const)(
    'a refused mirror token while %s: AUTH_FAILED at stage %s, token nowhere in the error',
    async (_what, stage, preListed) => {
      const r = fleet.recipe('wrong-token');
      fleet.server.requireToken(r.mirror.name, null);
      const mirrorRefs = preListed ? await listRemoteRefs(r.mirrorUrl) : undefined;
      fleet.server.requireToken(r.mirror.name, 'right-token');
      const error = await expectFailure(
        r,
        options(r, {
          auth: { mirror: { token: 'wr0ng-t0ken' } },
          ...(mirrorRefs ? { mirrorRefs } : {}),
        }),
        { code: 'AUTH_FAILED', stage },
      );
      const everything = JSON.stringify({
        message: error.message,
        stack: error.stack,
        data: error.data,
      });
      expect(everything).not.toContain('wr0ng-t0ken');
      expect(everything).not.toContain(Buffer.from('canon:wr0ng-t0ken').toString('base64'));
    },
  );

  it('a mirror refusing the push: PUSH_REJECTED at stage push, nothing landed (atomic)', async () => {
    const r = fleet.recipe('rejecting');
    await writeFile(
      join(r.mirror.path, 'hooks', 'pre-receive'),
      '#!/bin/sh\necho "protected by policy" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const error = await expectFailure(r, options(r), { code: 'PUSH_REJECTED', stage: 'push' });
    expect(error.data.stderrTail).toContain('protected by policy');
  });

  it('redacts credentials embedded in a remote URL', async () => {
    const r = fleet.recipe('down');
    const withCreds = r.upstreamUrl.replace('http://', 'http://user:pa55word@');
    const error = (await syncMirror(options(r, { upstream: withCreds })).catch(
      (e: unknown) => e,
    )) as MirrorSyncError;
    expect(error).toBeInstanceOf(MirrorSyncError);
    expect(`${error.message} ${JSON.stringify(error.data)}`).not.toContain('pa55word');
    expect(error.data.remote).toBe(r.upstreamUrl.replace('http://', 'http://***@'));
  });
});
