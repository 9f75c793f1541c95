import { giteaApi, type PullRequest } from 'gitea-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForge, type ForgeStandIn } from './forge.js';

describe('forge stand-in, through the gitea-js client', () => {
  let forge: ForgeStandIn;
  beforeAll(async () => {
    forge = await startForge({ token: 'tok' });
    for (let n = 1; n <= 7; n += 1) {
      forge.addPull({
        owner: 'ci-mirrors',
        repo: 'gitea',
        head: { ref: `pr-${String(n)}`, sha: 'a'.repeat(40) },
      });
    }
    forge.addPull({
      owner: 'ci-mirrors',
      repo: 'gitea',
      head: { ref: 'old', sha: 'b'.repeat(40) },
      state: 'closed',
    });
  });
  afterAll(() => forge.close());

  const client = () => giteaApi(forge.url, { token: 'tok' });

  it('answers /version without a token', async () => {
    const { data } = await giteaApi(forge.url).version.getVersion();
    expect(data.version).toBe('1.23.1');
  });

  it('pages open pulls with X-Total-Count and Link headers', async () => {
    const seen: PullRequest[] = [];
    const first = await client().repos.repoListPullRequests('ci-mirrors', 'gitea', {
      state: 'open',
      page: 1,
      limit: 3,
    });
    expect(first.headers.get('x-total-count')).toBe('7');
    expect(first.headers.get('link')).toContain('rel="next"');
    expect(first.headers.get('link')).toContain('page=3');
    seen.push(...first.data);
    for (let page = 2; page <= 3; page += 1) {
      seen.push(
        ...(
          await client().repos.repoListPullRequests('ci-mirrors', 'gitea', {
            state: 'open',
            page,
            limit: 3,
          })
        ).data,
      );
    }
    expect(seen.map((p) => p.number).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([
      1, 2, 3, 4, 5, 6, 7,
    ]);
  });

  it('comments on and closes a pull, visible in its state', async () => {
    await client().repos.issueCreateComment('ci-mirrors', 'gitea', 4, { body: 'already upstream' });
    const edited = await client().repos.repoEditPullRequest('ci-mirrors', 'gitea', 4, {
      state: 'closed',
    });
    expect(edited.status).toBe(201);
    expect(forge.pull('ci-mirrors', 'gitea', 4)?.state).toBe('closed');
    expect(forge.comments('ci-mirrors', 'gitea', 4).map((c) => c.body)).toEqual([
      'already upstream',
    ]);
    expect((await client().repos.repoGetPullRequest('ci-mirrors', 'gitea', 4)).data.state).toBe(
      'closed',
    );
  });

  it('answers GET /repos/{owner}/{repo} only with the token, and 404 for a repository it does not host', async () => {
    forge.addRepo('ci-mirrors', 'keycloak');
    const { data } = await client().repos.repoGet('ci-mirrors', 'keycloak');
    expect(data).toMatchObject({ name: 'keycloak', full_name: 'ci-mirrors/keycloak', owner: { login: 'ci-mirrors' } });
    expect((await client().repos.repoGet('ci-mirrors', 'gitea')).data.full_name).toBe('ci-mirrors/gitea');
    await expect(giteaApi(forge.url).repos.repoGet('ci-mirrors', 'keycloak')).rejects.toMatchObject({ status: 401 });
    await expect(giteaApi(forge.url, { token: 'wrong' }).repos.repoGet('ci-mirrors', 'keycloak')).rejects.toMatchObject({ status: 401 });
    await expect(client().repos.repoGet('ci-mirrors', 'nextcloud')).rejects.toMatchObject({ status: 404 });
  });

  it('answers 401 without the token, 404 for unknown pulls, and induced failures', async () => {
    await expect(
      giteaApi(forge.url, { token: 'wrong' }).repos.repoGetPullRequest('ci-mirrors', 'gitea', 1),
    ).rejects.toMatchObject({ status: 401 });
    await expect(
      client().repos.repoGetPullRequest('ci-mirrors', 'gitea', 99),
    ).rejects.toMatchObject({ status: 404 });
    forge.setFailure(500);
    await expect(client().repos.repoGetPullRequest('ci-mirrors', 'gitea', 1)).rejects.toMatchObject(
      { status: 500 },
    );
    forge.setFailure(null);
    expect(forge.requests.map((r) => r.status)).toContain(500);
  });
});
