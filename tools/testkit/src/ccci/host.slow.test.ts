import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../internal/git.js';
import { createRecipeRepo, type RecipeRepo } from '../recipe.js';
import { commit } from '../repos.js';
import { createCcciHost, type CcciHost } from './host.js';

const OLD = '1.0.0+1.25.0';
const NEW = '1.1.0+1.26.0';
let reposRoot: string;
let repo: RecipeRepo;
let mergeCommit: string;
const hosts: CcciHost[] = [];

beforeAll(async () => {
  reposRoot = mkdtempSync(join(tmpdir(), 'ccci-repos-'));
  repo = await createRecipeRepo({
    root: reposRoot,
    name: 'upstream/custom-html',
    releases: [OLD, NEW],
  });
  const side = await commit(repo, {
    branch: 'side',
    parents: [repo.tags[0]?.commit ?? ''],
    files: { 'abra.sh': 'x\n' },
  });
  mergeCommit = await commit(repo, {
    branch: 'merged',
    parents: [repo.main, side],
    files: {},
    message: 'Merge side',
  });
});
afterAll(() => rmSync(reposRoot, { recursive: true, force: true }));
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

async function host(opts: Parameters<typeof createCcciHost>[0] = {}): Promise<CcciHost> {
  const h = await createCcciHost(opts);
  hosts.push(h);
  return h;
}

const tagCommit = (version: string) => repo.tags.find((t) => t.name === version)?.commit ?? '';

describe('the runner stand-in', () => {
  it.each([
    ['REF', { REF: 'a'.repeat(40) }, 64, /STAND-IN REFUSED: REF=/],
    ['CCCI_QUICK=1', { CCCI_QUICK: '1' }, 64, /STAND-IN REFUSED: CCCI_QUICK=1/],
    ['CCCI_SKIP_FETCH unset', { CCCI_SKIP_FETCH: '' }, 64, /cannot clone/],
    ['no RECIPE', { RECIPE: '' }, 2, /RECIPE is required/],
    ['a CCCI_REPO without tests/', { CCCI_REPO: '/nonexistent' }, 2, /no tests\/ directory/],
  ])('refuses %s loudly and tests nothing', async (_what, env, code, message) => {
    const h = await host({ recipes: { 'custom-html': {} } });
    await h.stage('custom-html', repo.path, NEW);
    const run = await h.runRunner('custom-html', env);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(h.results()).toEqual([]);
    expect(h.swarm.events()).toEqual([]);
  });

  it('tests the staged clone (its compose label), and on a green enrolled release promotes by itself', async () => {
    const h = await host({ recipes: { 'custom-html': {} } });
    await h.stage('custom-html', repo.path, OLD);
    const run = await h.runRunner('custom-html');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`WC5 promoted custom-html ${OLD}`);
    const warm = h.warmDomain('custom-html');
    expect(h.results('custom-html')).toEqual([
      expect.objectContaining({
        version: OLD,
        commit: tagCommit(OLD),
        ref: '',
        promoted: true,
        exit: 0,
      }),
    ]);
    const registry = await h.readRegistry();
    expect(registry['custom-html']).toMatchObject({
      version: OLD,
      commit: tagCommit(OLD),
      status: 'idle',
      domain: warm,
      last_good: `${OLD}\n`,
      snapshot: { version: OLD, volumes: [`${warm.replaceAll('.', '_')}_data.tar`] },
    });
    expect(registry['custom-html']?.ts).toMatch(/^\d{8}T\d{6}Z$/);
    expect(h.swarm.state(warm)).toEqual({
      deployed: null,
      volumes: [`${warm.replaceAll('.', '_')}_data`],
    });
    expect(h.swarm.events(warm).map((e) => e.op)).toEqual(
      expect.arrayContaining(['deploy', 'ps', 'undeploy']),
    );
  });

  it('exits 142 (its alarm) or 1 as configured per version, and promotes nothing', async () => {
    const h = await host({ recipes: { 'custom-html': { exit: { [NEW]: 142, [OLD]: 1 } } } });
    await h.seedRegistry([{ recipe: 'custom-html', version: OLD, commit: tagCommit(OLD) }]);
    const before = readFileSync(join(h.warmRoot, 'custom-html', 'canonical.json'), 'utf8');
    await h.stage('custom-html', repo.path, NEW);
    expect((await h.runRunner('custom-html')).code).toBe(142);
    await h.stage('custom-html', repo.path, OLD);
    expect((await h.runRunner('custom-html')).code).toBe(1);
    expect(h.results('custom-html').map((r) => [r.version, r.exit, r.promoted])).toEqual([
      [NEW, 142, false],
      [OLD, 1, false],
    ]);
    expect(readFileSync(join(h.warmRoot, 'custom-html', 'canonical.json'), 'utf8')).toBe(before);
    expect(h.swarm.events()).toEqual([]);
  });

  it('its own alarm ends a run that passes alarmSeconds with 142, before the test is done', async () => {
    const h = await host({ recipes: { 'custom-html': { testSeconds: 60, alarmSeconds: 1 } } });
    await h.stage('custom-html', repo.path, NEW);
    const started = Date.now();
    const run = await h.runRunner('custom-html');
    expect(run.code).toBe(142);
    expect(run.stderr).toContain('alarm: the run passed its deadline');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await h.readRegistry()).toEqual({});
  });

  it('a failed self-promote is logged "WC5 promote failed" and still exits 0, the record untouched', async () => {
    const h = await host({ recipes: { 'custom-html': { promote: 'fail' } } });
    await h.seedRegistry([{ recipe: 'custom-html', version: OLD, commit: tagCommit(OLD) }]);
    await h.stage('custom-html', repo.path, NEW);
    const run = await h.runRunner('custom-html');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('WC5 promote failed: simulated deploy failure');
    expect((await h.readRegistry())['custom-html']).toMatchObject({
      version: OLD,
      last_good: `${OLD}\n`,
    });
  });

  it('a held warm app lock (flock) makes the self-promote fail, still exit 0', async () => {
    const h = await host({ recipes: { 'custom-html': {} }, lockWaitSeconds: 0.3 });
    const holder = spawn('flock', ['--exclusive', h.lockPath(h.warmDomain('custom-html')), 'cat'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    try {
      // Held once a non-blocking probe of the same file is refused.
      await waitFor(
        () =>
          spawnSync('flock', ['--nonblock', h.lockPath(h.warmDomain('custom-html')), 'true'])
            .status === 1,
      );
      await h.stage('custom-html', repo.path, NEW);
      const run = await h.runRunner('custom-html');
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(
        /WC5 promote failed: app lock .*cc-ci-app-warm-custom-html\.ci\.commoninternet\.net\.lock is held/,
      );
      expect(await h.readRegistry()).toEqual({});
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('records a merge commit or moves the checkout when told to', async () => {
    const h = await host({
      recipes: {
        'custom-html': { recordCommit: mergeCommit },
        other: { moveCheckoutTo: tagCommit(OLD), enrolled: false },
      },
    });
    await h.stage('custom-html', repo.path, NEW);
    expect((await h.runRunner('custom-html')).code).toBe(0);
    expect((await h.readRegistry())['custom-html']?.commit).toBe(mergeCommit);
    await h.stage('other', repo.path, NEW);
    expect((await h.runRunner('other')).code).toBe(0);
    expect((await runGit(['-C', h.stagedClone('other'), 'rev-parse', 'HEAD'])).stdout).toBe(
      tagCommit(OLD),
    );
    expect(h.results('other')).toEqual([
      expect.objectContaining({ commit: tagCommit(NEW), promoted: false }),
    ]);
  });

  it("its checkout is a git repository canon's test.revision can read", async () => {
    const h = await host();
    expect((await runGit(['-C', h.ccciRepo, 'rev-parse', 'HEAD'])).stdout).toMatch(
      /^[0-9a-f]{40}$/,
    );
  });
});

describe('the ci-warm registry reader', () => {
  it('accepts what cc-ci wrote: legacy records without domain, a merge commit, last_good, snapshot/', async () => {
    const h = await host();
    await h.seedRegistry([
      { recipe: 'custom-html', version: OLD, commit: tagCommit(OLD) },
      {
        recipe: 'gitea',
        version: '3.6.0+1.24.2-rootless',
        commit: mergeCommit,
        domain: null,
        snapshot: false,
      },
    ]);
    expect(await h.readRegistry()).toEqual({
      'custom-html': {
        version: OLD,
        commit: tagCommit(OLD),
        status: 'idle',
        ts: '20260617T050314Z',
        domain: h.warmDomain('custom-html'),
        last_good: `${OLD}\n`,
        snapshot: {
          version: OLD,
          ts: '20260617T050314Z',
          volumes: [`${h.warmDomain('custom-html').replaceAll('.', '_')}_data.tar`],
        },
      },
      gitea: {
        version: '3.6.0+1.24.2-rootless',
        commit: mergeCommit,
        status: 'idle',
        ts: '20260617T050314Z',
        domain: null,
        last_good: '3.6.0+1.24.2-rootless\n',
        snapshot: null,
      },
    });
  });

  it.each([
    [
      'a recipe directory without canonical.json',
      (root: string) => mkdirSync(join(root, 'keycloak')),
      /keycloak: a recipe directory without canonical.json/,
    ],
    [
      'an ISO ts',
      (root: string) => rewrite(root, { ts: '2026-06-17T05:03:14Z' }),
      /ts '2026-06-17T05:03:14Z'/,
    ],
    [
      'status "canonical"',
      (root: string) => rewrite(root, { status: 'canonical' }),
      /status 'canonical', expected 'idle'/,
    ],
    [
      'a missing version',
      (root: string) => rewrite(root, { version: undefined }),
      /missing or non-string version/,
    ],
    [
      'a stale last_good',
      (root: string) => writeFileSync(join(root, 'custom-html', 'last_good'), '0.9.0\n'),
      /lags canonical.json/,
    ],
    [
      'a stray file',
      (root: string) => writeFileSync(join(root, 'custom-html', 'history.jsonl'), '{}\n'),
      /history.jsonl: unexpected file/,
    ],
  ])('refuses %s, as cc-ci would choke on it', async (_what, damage, message) => {
    const h = await host();
    await h.seedRegistry([{ recipe: 'custom-html', version: OLD, commit: tagCommit(OLD) }]);
    damage(h.warmRoot);
    await expect(h.readRegistry()).rejects.toThrow(message);
  });
});

function rewrite(root: string, change: Record<string, string | undefined>): void {
  const path = join(root, 'custom-html', 'canonical.json');
  writeFileSync(
    path,
    JSON.stringify({ ...(JSON.parse(readFileSync(path, 'utf8')) as object), ...change }),
  );
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
