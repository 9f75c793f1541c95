import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { commit, revParse, tag } from '@canon/testkit';
import type { RecipeRun } from '@canon/warm-registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScenario, must, processesWithEnv, type CanonResult, type Scenario } from '../testing/e2e-harness.js';

// Each scenario runs the real CLI, git and several processes: generous limits for loaded CI machines.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

async function entry(sc: Scenario, recipe: string): Promise<RecipeRun> {
  return must((await sc.latestRun()).recipes.find((r) => r.recipe === recipe), `${recipe} in the latest run`);
}

async function firstRun(sc: Scenario): Promise<{ recipes: RecipeRun[] }> {
  const id = must((await sc.runIds())[0], 'the first run');
  return JSON.parse(await readFile(`${sc.stateDir}/runs/${id}/run.json`, 'utf8')) as { recipes: RecipeRun[] };
}

const domain = (recipe: string): string => `warm-${recipe}.ci.test`;

// One fleet, two sweeps: the first seeds every recipe at 1.0.0+1, then each gets a 1.1.0+1
// release that fails in its own way in the second sweep.
describe('nothing unverified is ever recorded: the canonical stays byte-identical', () => {
  let s: Scenario;
  const failing = ['red', 'unhealthy', 'fallback', 'nodeploy', 'verify', 'snapshot', 'stuck'];
  const before = new Map<string, Buffer | null>();
  let seeded: CanonResult;
  let second: CanonResult;
  beforeAll(async () => {
    s = await createScenario({ recipes: [...failing, 'guarded'].map((name) => ({ name, releases: ['1.0.0+1'] })) });
    await s.writeConfig({ protectedDomains: [domain('guarded')], recipes: { stuck: { promote: { timeoutSeconds: 3 } } } });
    s.warm.setDeployed(domain('guarded'), 'live-data');
    seeded = await s.canon(['sweep', ...[...failing, 'guarded'].flatMap((n) => ['--recipe', n])]);
    for (const name of failing) {
      before.set(name, await s.readCanonical(name));
      const up = s.fleet.recipe(name).upstream;
      await commit(up, { files: { VERSION: '1.1.0+1\n' } });
      await tag(up, '1.1.0+1');
    }
    await s.behave({ 'red@1.1.0+1': 'fail' });
    s.warm.configure(domain('unhealthy'), { unhealthyVersions: ['1.1.0+1'] });
    s.warm.configure(domain('fallback'), { fallbackVersions: ['1.1.0+1'] });
    s.warm.configure(domain('nodeploy'), { failDeployVersions: ['1.1.0+1'] });
    s.warm.configure(domain('verify'), { verifyOutput: '1.0.0+1' });
    s.warm.configure(domain('snapshot'), { faults: { snapshot: 'fail' } });
    s.warm.configure(domain('stuck'), { faults: { deploy: 'hang-tree' } });
    second = await s.canon(['sweep', ...failing.flatMap((n) => ['--recipe', n])]);
  }, 240_000);
  afterAll(() => s.close());

  it('the seed sweep promoted every recipe and skipped the protected domain before its test, tearing nothing down', async () => {
    expect(seeded.code, seeded.stdout).toBe(0);
    expect(second.code, second.stdout).toBe(1);
    const seedRun = await firstRun(s);
    for (const name of failing) {
      const e = must(seedRun.recipes.find((r) => r.recipe === name), `${name} in the seed run`);
      expect(e.outcome, `${name}: ${e.detail}`).toBe('PROMOTED');
      expect(before.get(name)).not.toBeNull();
    }
    const guarded = must(seedRun.recipes.find((r) => r.recipe === 'guarded'), 'guarded in the seed run');
    // SPEC: an unseeded protected recipe is skipped before its test, not tested to be refused.
    expect(guarded).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'protected-domain' } });
    expect(guarded.detail).toMatch(/protected/);
    expect((await s.calls()).map((c) => c.recipe)).not.toContain('guarded');
    expect(s.warm.events(domain('guarded')).map((ev) => ev.op)).not.toContain('teardown');
    expect(s.warm.state(domain('guarded'))).toMatchObject({ deployed: 'live-data', volumes: true });
    expect(await s.readCanonical('guarded')).toBeNull();
  });

  it('a red suite: FAILED, no deploy of the red version', async () => {
    expect(await entry(s, 'red')).toMatchObject({ outcome: 'FAILED', tested: { version: '1.1.0+1' } });
    expect(await s.readCanonical('red')).toEqual(before.get('red'));
    expect(s.warm.events(domain('red')).filter((e) => e.version === '1.1.0+1')).toEqual([]);
  });

  it.each([
    { name: 'unhealthy', reason: /unhealthy/ },
    { name: 'fallback', reason: /unhealthy|404 page not found/ },
    { name: 'nodeploy', reason: /deploy/ },
  ])('$name: GREEN-BUT-PROMOTE-FAILED, previous canonical redeployed and healthy', async ({ name, reason }) => {
    const e = await entry(s, name);
    expect(e.outcome, e.detail).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(e.detail).toMatch(reason);
    expect(e.detail).toMatch(/rolled back .*healthy/);
    expect(await s.readCanonical(name)).toEqual(before.get(name));
    expect(s.warm.state(domain(name)).deployed).toBe('1.0.0+1');
    const rollback = s.warm.events(domain(name)).filter((ev) => ev.op === 'deploy' && ev.mode === 'rollback');
    expect(rollback.map((ev) => ev.version)).toEqual(['1.0.0+1']);
    // The redeploy ran in the previous canonical's own checkout, at its tag's commit.
    const run = await s.latestRun();
    const log = await readFile(join(s.stateDir, 'runs', run.runId, must(e.logs.promote, 'promote log')), 'utf8');
    expect(log).not.toMatch(/could not check out the previous canonical/);
    const previous = JSON.parse(must(before.get(name), 'previous record').toString()) as { commit: string };
    expect(await revParse({ name: 'previous', path: join(s.workDir, 'checkouts', `${name}@previous`, '.git') }, 'HEAD')).toBe(previous.commit);
  });

  it('a deploy that hangs (with a grandchild ignoring SIGTERM): TIMED-OUT, its process tree gone', async () => {
    const e = await entry(s, 'stuck');
    expect(e.outcome, e.detail).toBe('TIMED-OUT');
    expect(await s.readCanonical('stuck')).toEqual(before.get('stuck'));
    expect(processesWithEnv('CANON_RUN_ID', (await s.latestRun()).runId)).toEqual([]);
  });

  it.each([
    { name: 'verify', reason: /verify/ },
    { name: 'snapshot', reason: /snapshot/ },
  ])('a failing $name step is not a promotion', async ({ name, reason }) => {
    const e = await entry(s, name);
    expect(e.outcome, e.detail).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(e.detail).toMatch(reason);
    expect(await s.readCanonical(name)).toEqual(before.get(name));
  });
});

describe('per-recipe failures stay with their recipe', () => {
  let s: Scenario;
  const garbage = Buffer.from('{"schema": 1, "recipe": "corrupt", "vers');
  let r: CanonResult;
  beforeAll(async () => {
    s = await createScenario({ recipes: ['corrupt', 'outage', 'held', 'fine'] });
    await mkdir(dirname(s.canonicalPath('corrupt')), { recursive: true });
    await writeFile(s.canonicalPath('corrupt'), garbage);
    s.fleet.server.setFault('upstream/outage', 'outage');
    await s.busy(['held']);
    r = await s.canon(['sweep']);
  }, 120_000);
  afterAll(() => s.close());

  it('the sweep goes on past every failing recipe and exits 1', async () => {
    expect(r.code, r.stdout).toBe(1);
    expect((await entry(s, 'fine')).outcome).toBe('PROMOTED');
    expect((await s.calls()).map((c) => c.recipe)).toEqual(['fine']);
  });

  it('a corrupt record: ERROR naming the file, which is left untouched', async () => {
    const e = await entry(s, 'corrupt');
    expect(e.outcome, e.detail).toBe('ERROR');
    expect(e.detail).toContain(s.canonicalPath('corrupt'));
    expect(await s.readCanonical('corrupt')).toEqual(garbage);
  });

  it('upstream answering 503: SYNC-FAILED for that recipe only, never tested', async () => {
    const e = await entry(s, 'outage');
    expect(e).toMatchObject({ outcome: 'SYNC-FAILED', sync: { status: 'failed' } });
    expect(e.detail).toMatch(/503|list-upstream|upstream/);
  });

  it('a busy recipe is skipped without running its test', async () => {
    expect(await entry(s, 'held')).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'busy' } });
  });
});

describe('a legacy registry directory', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario({ recipes: [{ name: 'alpha', releases: ['1.0.0+1'] }], presynced: true });
  });
  afterAll(() => s.close());

  it('is read as-is: no new version means no run, and the record is never rewritten', async () => {
    const t = must(s.fleet.recipe('alpha').upstream.tags[0], 'the release tag');
    const legacy = Buffer.from(`${JSON.stringify({ recipe: 'alpha', version: '1.0.0+1', commit: t.commit, status: 'deployed', ts: '20260617T050314Z' })}\n`);
    await mkdir(dirname(s.canonicalPath('alpha')), { recursive: true });
    await writeFile(s.canonicalPath('alpha'), legacy);
    const r = await s.canon(['sweep']);
    expect(r.code, r.stdout).toBe(0);
    expect(await entry(s, 'alpha')).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'no-new-version', canonical: '1.0.0+1' } });
    expect(await s.readCanonical('alpha')).toEqual(legacy);
    expect(await s.calls()).toEqual([]);
    const status = await s.canon(['status', '--json']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('1.0.0+1');
  });
});
