import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { commit, tag } from '@canon/testkit';
import type { RecipeRun } from '@canon/warm-registry';
import { afterEach, describe, expect, it } from 'vitest';
import { createScenario, must, type Scenario } from './harness.js';

let s: Scenario | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

async function entry(sc: Scenario, recipe: string): Promise<RecipeRun> {
  const found = (await sc.latestRun()).recipes.find((r) => r.recipe === recipe);
  if (found === undefined) throw new Error(`no ${recipe} in the latest run`);
  return found;
}

/** A scenario whose `alpha` is already seeded at 1.0.0+1 and has a new 1.1.0+1 release upstream. */
async function seededWithNewRelease(): Promise<Scenario> {
  const sc = await createScenario({ recipes: [{ name: 'alpha', releases: ['1.0.0+1'] }] });
  const first = await sc.canon(['sweep']);
  expect(first.code, first.stdout).toBe(0);
  const up = sc.fleet.recipe('alpha').upstream;
  await commit(up, { files: { VERSION: '1.1.0+1\n' } });
  await tag(up, '1.1.0+1');
  return sc;
}

const DOMAIN = 'warm-alpha.ci.test';

describe('nothing unverified is ever recorded: the canonical stays byte-identical', () => {
  it('a red suite: FAILED, no deploy', async () => {
    s = await seededWithNewRelease();
    const before = await s.readCanonical('alpha');
    const deploys = s.warm.events(DOMAIN).length;
    await s.behave({ 'alpha@1.1.0+1': 'fail' });
    const r = await s.canon(['sweep']);
    expect(r.code).toBe(1);
    expect(await entry(s, 'alpha')).toMatchObject({ outcome: 'FAILED', tested: { version: '1.1.0+1' } });
    expect(await s.readCanonical('alpha')).toEqual(before);
    expect(s.warm.events(DOMAIN)).toHaveLength(deploys);
  });

  it.each([
    { why: 'unhealthy after deploy', setup: { unhealthyVersions: ['1.1.0+1'] }, reason: /unhealthy/ },
    { why: "a proxy's fallback page (rejectBodyPattern)", setup: { fallbackVersions: ['1.1.0+1'] }, reason: /unhealthy|404 page not found/ },
    { why: 'deploy failure', setup: { failDeployVersions: ['1.1.0+1'] }, reason: /deploy/ },
  ])('$why: GREEN-BUT-PROMOTE-FAILED, previous canonical redeployed and healthy', async ({ setup, reason }) => {
    s = await seededWithNewRelease();
    const before = await s.readCanonical('alpha');
    s.warm.configure(DOMAIN, setup);
    const r = await s.canon(['sweep']);
    expect(r.code).toBe(1);
    const e = await entry(s, 'alpha');
    expect(e.outcome).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(e.detail).toMatch(reason);
    expect(e.detail).toMatch(/rolled back .*healthy/);
    expect(await s.readCanonical('alpha')).toEqual(before);
    expect(s.warm.state(DOMAIN).deployed).toBe('1.0.0+1');
    const rollback = s.warm.events(DOMAIN).filter((ev) => ev.op === 'deploy' && ev.mode === 'rollback');
    expect(rollback.map((ev) => ev.version)).toEqual(['1.0.0+1']);
  });

  it('verify printing another version is not a promotion', async () => {
    s = await seededWithNewRelease();
    const before = await s.readCanonical('alpha');
    s.warm.configure(DOMAIN, { verifyOutput: '1.0.0+1' });
    expect((await s.canon(['sweep'])).code).toBe(1);
    const e = await entry(s, 'alpha');
    expect(e.outcome).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(e.detail).toMatch(/verify/);
    expect(await s.readCanonical('alpha')).toEqual(before);
  });

  it('a failing snapshot is not a promotion', async () => {
    s = await seededWithNewRelease();
    const before = await s.readCanonical('alpha');
    s.warm.configure(DOMAIN, { faults: { snapshot: 'fail' } });
    expect((await s.canon(['sweep'])).code).toBe(1);
    const e = await entry(s, 'alpha');
    expect(e.outcome).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(e.detail).toMatch(/snapshot/);
    expect(await s.readCanonical('alpha')).toEqual(before);
  });

  it('a protected domain is never torn down: the seed is refused', async () => {
    s = await createScenario({ recipes: ['alpha'] });
    await s.writeConfig({ protectedDomains: [DOMAIN] });
    s.warm.setDeployed(DOMAIN, 'live-data');
    const r = await s.canon(['sweep']);
    expect(r.code).toBe(1);
    const e = await entry(s, 'alpha');
    expect(e.outcome).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(e.detail).toMatch(/protected/);
    expect(s.warm.events(DOMAIN).map((ev) => ev.op)).not.toContain('teardown');
    expect(s.warm.state(DOMAIN)).toMatchObject({ deployed: 'live-data', volumes: true });
    expect(await s.readCanonical('alpha')).toBeNull();
  });
});

describe('per-recipe failures stay with their recipe', () => {
  it('a corrupt record: ERROR naming the file, file untouched, the other recipe goes on', async () => {
    s = await createScenario({ recipes: ['alpha', 'beta'] });
    const garbage = Buffer.from('{"schema": 1, "recipe": "alpha", "vers');
    await mkdir(dirname(s.canonicalPath('alpha')), { recursive: true });
    await writeFile(s.canonicalPath('alpha'), garbage);
    const r = await s.canon(['sweep']);
    expect(r.code).toBe(1);
    const e = await entry(s, 'alpha');
    expect(e.outcome).toBe('ERROR');
    expect(e.detail).toContain(s.canonicalPath('alpha'));
    expect(await s.readCanonical('alpha')).toEqual(garbage);
    expect((await entry(s, 'beta')).outcome).toBe('PROMOTED');
    expect((await s.calls()).map((c) => c.recipe)).toEqual(['beta']);
  });

  it('upstream answering 503 for one recipe: SYNC-FAILED for it only, never tested', async () => {
    s = await createScenario({ recipes: ['alpha', 'beta'] });
    s.fleet.server.setFault('upstream/beta', 'outage');
    const r = await s.canon(['sweep']);
    expect(r.code).toBe(1);
    expect(await entry(s, 'beta')).toMatchObject({ outcome: 'SYNC-FAILED', sync: { status: 'failed' } });
    expect((await entry(s, 'beta')).detail).toMatch(/503|list-upstream|upstream/);
    expect((await entry(s, 'alpha')).outcome).toBe('PROMOTED');
    expect((await s.calls()).map((c) => c.recipe)).toEqual(['alpha']);
  });

  it('a legacy registry record is read as-is: no new version means no run, and it is never rewritten', async () => {
    s = await createScenario({ recipes: [{ name: 'alpha', releases: ['1.0.0+1'] }], presynced: true });
    const t = must(s.fleet.recipe('alpha').upstream.tags[0], 'the release tag');
    const legacy = Buffer.from(`${JSON.stringify({ recipe: 'alpha', version: '1.0.0+1', commit: t.commit, status: 'deployed', ts: '20260617T050314Z' })}\n`);
    await mkdir(dirname(s.canonicalPath('alpha')), { recursive: true });
    await writeFile(s.canonicalPath('alpha'), legacy);
    const r = await s.canon(['sweep']);
    expect(r.code, r.stdout).toBe(0);
    expect(await entry(s, 'alpha')).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'no-new-version', canonical: '1.0.0+1' } });
    expect(await s.readCanonical('alpha')).toEqual(legacy);
    const status = await s.canon(['status', '--json']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('1.0.0+1');
  });

  it('a busy recipe is skipped without running its test', async () => {
    s = await createScenario({ recipes: ['alpha', 'beta'] });
    await s.busy(['alpha']);
    const r = await s.canon(['sweep']);
    expect(r.code).toBe(0);
    expect(await entry(s, 'alpha')).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'busy' } });
    expect((await s.calls()).map((c) => c.recipe)).toEqual(['beta']);
  });
});
