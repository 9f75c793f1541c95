import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commit, tag } from '@canon/testkit';
import type { RecipeRun } from '@canon/warm-registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScenario, must, type Scenario } from '../testing/e2e-harness.js';

// Each scenario runs the real CLI, git and several processes: generous limits for loaded CI machines.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

async function entry(s: Scenario, recipe: string): Promise<RecipeRun> {
  return must((await s.latestRun()).recipes.find((r) => r.recipe === recipe), `${recipe} in the latest run`);
}

async function release(s: Scenario, recipe: string, version: string): Promise<void> {
  const up = s.fleet.recipe(recipe).upstream;
  await commit(up, { files: { VERSION: `${version}\n` }, message: `release ${version}` });
  await tag(up, version);
}

async function lines(s: Scenario, recipe: string, file: string): Promise<Record<string, unknown>[]> {
  const path = join(s.stateDir, 'recipes', recipe, file);
  if (!existsSync(path)) return [];
  return (await readFile(path, 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

const at = (iso: string) => Date.parse(iso);

describe('tiers: shared infrastructure first, health-gated', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario({ recipes: ['proxy', 'idp', 'app1', 'app2'] });
    await s.writeConfig({
      concurrency: 2,
      tiers: [{ name: 'proxy', recipes: ['proxy'] }, { name: 'idp', recipes: ['idp'] }, { name: 'apps', recipes: '*' }],
      recipes: {
        proxy: { promote: { park: null, rollback: false } },
        idp: { promote: { park: null } },
        app2: { dependsOn: ['idp'] },
      },
    });
  });
  afterAll(() => s.close());

  it('runs the tiers in order: each tier tested and promoted before the next one is tested', async () => {
    const r = await s.canon(['sweep']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const run = await s.latestRun();
    expect(run.recipes.map((e) => [e.recipe, e.outcome])).toEqual(
      expect.arrayContaining([['proxy', 'PROMOTED'], ['idp', 'PROMOTED'], ['app1', 'PROMOTED'], ['app2', 'PROMOTED']]),
    );
    const started = new Map((await s.calls()).map((c) => [c.recipe, at(c.at)]));
    const lastOp = (domain: string) => Math.max(...s.warm.events(domain).map((e) => at(e.at)));
    expect(lastOp('warm-proxy.ci.test')).toBeLessThan(must(started.get('idp'), 'the idp test'));
    expect(lastOp('warm-idp.ci.test')).toBeLessThan(Math.min(must(started.get('app1'), 'app1'), must(started.get('app2'), 'app2')));
    // Infrastructure without park stays up; the apps are parked as before.
    expect(s.warm.state('warm-proxy.ci.test').deployed).toBe('0.2.0+1.1.0');
    expect(s.warm.state('warm-app1.ci.test').deployed).toBeNull();
  });

  it('a tier left unhealthy skips every later recipe infra-degraded, untested, exit 1; dependsOn narrows it', async () => {
    for (const r of ['proxy', 'app1', 'app2']) await release(s, r, '0.3.0+1.2.0');
    s.warm.configure('warm-proxy.ci.test', { unhealthyVersions: ['0.3.0+1.2.0'] });
    const callsBefore = (await s.calls()).length;
    const r = await s.canon(['sweep']);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    expect(await entry(s, 'proxy')).toMatchObject({ outcome: 'GREEN-BUT-PROMOTE-FAILED' });
    const app1 = await entry(s, 'app1');
    expect(app1).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'infra-degraded' } });
    expect(app1.detail).toContain('proxy');
    expect(await entry(s, 'idp')).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'infra-degraded' } });
    // app2 depends on idp only, which is still healthy.
    expect(await entry(s, 'app2')).toMatchObject({ outcome: 'PROMOTED' });
    const tested = (await s.calls()).slice(callsBefore).map((c) => c.recipe).sort();
    expect(tested).toEqual(['app2', 'proxy']);
    expect(r.stderr + r.stdout).toMatch(/tier "proxy" ended unhealthy: proxy/);
  });

  it('a --recipe sweep of an app probes the earlier tiers first and skips it while they are unhealthy', async () => {
    const callsBefore = (await s.calls()).length;
    const r = await s.canon(['sweep', '--recipe', 'app1']);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    const app1 = await entry(s, 'app1');
    expect(app1).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'infra-degraded' } });
    expect(app1.detail).toMatch(/proxy \(unhealthy after its tier/);
    expect((await s.calls()).length).toBe(callsBefore);
  });
});

describe('held majors: skipped until an approval of exactly that version', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario({ recipes: [{ name: 'idp', releases: ['1.0.0+10.0.0'] }] });
    await s.writeConfig({ defaults: { hold: { major: true } } });
    const seed = await s.canon(['sweep']);
    expect(seed.code, seed.stderr).toBe(0);
    await release(s, 'idp', '2.0.0+11.0.0');
  });
  afterAll(() => s.close());

  it('skips the held major without testing it, naming how to approve it', async () => {
    const r = await s.canon(['sweep']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const idp = await entry(s, 'idp');
    expect(idp).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'held-major', latest: '2.0.0+11.0.0' } });
    expect(idp.detail).toContain('canon approve --recipe idp --version 2.0.0+11.0.0');
    expect((await s.calls()).map((c) => c.version)).toEqual(['1.0.0+10.0.0']);

    // Every report lists it under "Pending approval" with the command; the metric says held.
    const md = (await s.canon(['report', '--format', 'md'])).stdout;
    expect(md).toMatch(/## Pending approval\n\n- \*\*idp\*\*: `2\.0\.0\+11\.0\.0` is a held major — .*canon approve --recipe idp --version 2\.0\.0\+11\.0\.0/);
    expect((await s.canon(['report', '--format', 'html'])).stdout).toContain('<strong>Pending approval:</strong> idp <code>2.0.0+11.0.0</code>');
    expect((await s.canon(['status'])).stdout).toContain('Pending approval: idp 2.0.0+11.0.0 (canon approve --recipe idp --version 2.0.0+11.0.0 --reason <why>)');
    const prom = (await s.canon(['report', '--format', 'prom'])).stdout;
    expect(prom).toContain('canon_recipe_held{recipe="idp"} 1\n');
  });

  it('refuses an approval that is not a release or is already expired, writing nothing', async () => {
    const bad = await s.canon(['approve', '--recipe', 'idp', '--version', 'latest', '--reason', 'x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"latest" is not a release version');
    const past = await s.canon(['approve', '--recipe', 'idp', '--version', '2.0.0+11.0.0', '--reason', 'x', '--expires', '2020-01-01']);
    expect(past.code).toBe(1);
    const usage = await s.canon(['approve', '--recipe', 'idp', '--version', '2.0.0+11.0.0']);
    expect(usage.code).toBe(2);
    expect(await lines(s, 'idp', 'approvals.jsonl')).toEqual([]);
  });

  it('an approval of another version does not release it; one of exactly that version does', async () => {
    const other = await s.canon(['approve', '--recipe', 'idp', '--version', '2.0.1+11.0.0', '--reason', 'not this one']);
    expect(other.code, other.stderr).toBe(0);
    const held = await s.canon(['sweep']);
    expect(held.code, held.stderr).toBe(0);
    expect(await entry(s, 'idp')).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'held-major' } });
    const ok = await s.canon(['approve', '--recipe', 'idp', '--version', '2.0.0+11.0.0', '--reason', 'read the migration notes', '--expires', '2999-12-31']);
    expect(ok.code, ok.stderr).toBe(0);
    const approvals = await lines(s, 'idp', 'approvals.jsonl');
    expect(approvals.at(-1)).toMatchObject({ schema: 1, kind: 'approve', version: '2.0.0+11.0.0', reason: 'read the migration notes', expires: '2999-12-31' });
    expect(typeof approvals.at(-1)?.who).toBe('string');
    const r = await s.canon(['sweep']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const idp = await entry(s, 'idp');
    expect(idp).toMatchObject({ outcome: 'PROMOTED', decision: { reason: 'new-release', latest: '2.0.0+11.0.0' } });
    expect(JSON.parse(must(await s.readCanonical('idp'), 'canonical').toString())).toMatchObject({ version: '2.0.0+11.0.0' });
    expect((await s.canon(['report', '--format', 'prom'])).stdout).toContain('canon_recipe_held{recipe="idp"} 0\n');
    expect((await s.canon(['status'])).stdout).not.toContain('Pending approval');
  });
});
