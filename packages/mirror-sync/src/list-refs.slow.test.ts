import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBareRepo, createFleet, pushPullRef, readRefs, type Fleet } from '@canon/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MirrorSyncError } from './errors.js';
import { listRemoteRefs } from './list-refs.js';

describe('listRemoteRefs', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await createFleet({
      recipes: [
        { name: 'gitea', releases: ['1.0.0+1.0', { version: '1.1.0+1.1', annotated: false }] },
        'empty',
      ],
      presynced: true,
    });
    await pushPullRef(fleet.recipe('gitea').mirror, { number: 7, head: 'main~1', branch: 'pr-7' });
  });
  afterAll(() => fleet.close());

  it('lists default branch, branches, peeled tags and PR heads in one HTTP request', async () => {
    const gitea = fleet.recipe('gitea');
    fleet.server.resetCounters();
    const refs = await listRemoteRefs(gitea.mirrorUrl);
    expect(fleet.server.requests.count).toBe(1);
    const { refs: onDisk } = await readRefs(gitea.mirror);
    expect(refs.head).toBe('main');
    expect(refs.branches).toEqual({
      main: onDisk['refs/heads/main'],
      'pr-7': onDisk['refs/heads/pr-7'],
    });
    expect(refs.pulls).toEqual({ 7: onDisk['refs/pull/7/head'] });
    const [annotated, lightweight] = gitea.upstream.tags;
    expect(refs.tags).toEqual([
      { name: '1.0.0+1.0', commit: annotated?.commit, oid: annotated?.oid },
      { name: '1.1.0+1.1', commit: lightweight?.commit, oid: lightweight?.commit },
    ]);
  });

  it('lists an empty repository as having nothing, and a missing one as NOT_FOUND', async () => {
    await createBareRepo(fleet.root, 'ci-mirrors/blank');
    expect(await listRemoteRefs(fleet.server.url('ci-mirrors/blank'))).toEqual({
      head: null,
      branches: {},
      tags: [],
      pulls: {},
    });
    const missing = await listRemoteRefs(fleet.server.url('ci-mirrors/nothing-here'), {
      stage: 'list-mirror',
    }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(MirrorSyncError);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', stage: 'list-mirror' });
  });

  it.each([
    ['outage', 'REMOTE_UNAVAILABLE'],
    ['hang', 'TIMEOUT'],
  ] as const)('turns an upstream %s into a typed error naming the stage', async (fault, code) => {
    const gitea = fleet.recipe('gitea');
    fleet.server.setFault(gitea.upstream.name, fault);
    try {
      const started = Date.now();
      const error = await listRemoteRefs(gitea.upstreamUrl, {
        timeoutMs: 800,
        recipe: 'gitea',
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'MirrorSyncError',
        code,
        stage: 'list-upstream',
        data: { recipe: 'gitea', remote: gitea.upstreamUrl },
      });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      fleet.server.setFault(gitea.upstream.name, null);
    }
  });

  it('refuses URLs that are not plain remotes before any request', async () => {
    fleet.server.resetCounters();
    for (const url of [
      'ext::sh -c touch% /tmp/pwned',
      '--upload-pack=touch /tmp/pwned',
      'file:///etc',
    ]) {
      await expect(listRemoteRefs(url)).rejects.toMatchObject({ code: 'INVALID_URL' });
    }
    expect(fleet.server.requests.count).toBe(0);
  });

  it('follows redirects to the repository (302, then 301 to another host), as fetch did', async () => {
    const target = new URL(fleet.recipe('gitea').upstreamUrl);
    const hops: string[] = [];
    const redirector: Server = createServer((req, res) => {
      const path = req.url ?? '';
      hops.push(path);
      if (path.startsWith('/moved/'))
        res.writeHead(302, { location: `/old/${path.slice('/moved/'.length)}` });
      else
        res.writeHead(301, {
          location: `${target.origin}${target.pathname}${path.slice('/old/gitea.git'.length)}`,
        });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirector.address() as AddressInfo;
      const refs = await listRemoteRefs(`http://127.0.0.1:${String(port)}/moved/gitea.git`);
      expect(refs.tags.map((t) => t.name)).toEqual(['1.0.0+1.0', '1.1.0+1.1']);
      expect(hops).toEqual([
        '/moved/gitea.git/info/refs?service=git-upload-pack',
        '/old/gitea.git/info/refs?service=git-upload-pack',
      ]);
    } finally {
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it('names the refused connection as REMOTE_UNAVAILABLE with the system error', async () => {
    const closed: Server = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await listRemoteRefs(`http://127.0.0.1:${String(port)}/gitea.git`).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'REMOTE_UNAVAILABLE' });
    expect(String((error as Error).message)).toContain(
      `the connection failed: connect ECONNREFUSED 127.0.0.1:${String(port)}`,
    );
  });

  it('sends credentials to the origin it was given, never across a redirect to another', async () => {
    const seen: { server: string; authorization: string | undefined }[] = [];
    const other: Server = createServer((req, res) => {
      seen.push({ server: 'other', authorization: req.headers.authorization });
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherPort = (other.address() as AddressInfo).port;
    const first: Server = createServer((req, res) => {
      seen.push({ server: 'first', authorization: req.headers.authorization });
      res.writeHead(302, { location: `http://127.0.0.1:${String(otherPort)}${req.url ?? ''}` });
      res.end();
    });
    await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = first.address() as AddressInfo;
      const error = await listRemoteRefs(`http://127.0.0.1:${String(port)}/gitea.git`, {
        auth: { token: 'sekrit-token' },
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'NOT_FOUND' });
      expect(seen.map((s) => s.server)).toEqual(['first', 'other']);
      expect(seen[0]?.authorization).toMatch(/^Basic /);
      expect(seen[1]?.authorization).toBeUndefined();
    } finally {
      await new Promise((resolve) => first.close(resolve));
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
