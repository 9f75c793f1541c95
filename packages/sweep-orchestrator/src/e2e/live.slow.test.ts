import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commit, tag } from '@canon/testkit';
import type { RecipeRun } from '@canon/warm-registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScenario, must, type Scenario } from '../testing/e2e-harness.js';

// Each scenario runs the real CLI, git and several processes: generous limits for loaded CI machines.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const IDP = 'warm-idp.ci.test';
const REALM = 'idp-realm.ci.test';

async function entry(s: Scenario, recipe: string): Promise<RecipeRun> {
  return must((await s.latestRun()).recipes.find((r) => r.recipe === recipe), `${recipe} in the latest run`);
}

async function lines(s: Scenario, recipe: string, file: string): Promise<Record<string, unknown>[]> {
  const path = join(s.stateDir, 'recipes', recipe, file);
  if (!existsSync(path)) return [];
  return (await readFile(path, 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('promote.mode "live": adopt, backup first, no teardown or park, restore and a forced rollback', () => {
  let s: Scenario;
  const ops = () => s.warm.events(IDP).map((e) => (e.op === 'deploy' ? `deploy:${e.version ?? ''}` : e.op));
  beforeAll(async () => {
    s = await createScenario({ recipes: ['idp', 'app'] });
    const abra = (...args: string[]) => [process.execPath, s.warm.fakeAbra, `--host=${s.warm.url}`, ...args];
    await s.writeConfig({
      protectedDomains: [IDP],
      tiers: [{ name: 'idp', recipes: ['idp'] }, { name: 'apps', recipes: '*' }],
      recipes: {
        idp: {
          promote: {
            mode: 'live', rollback: false, backup: abra('backup', '{domain}'), restore: abra('restore', '{domain}'),
            health: { also: [`${s.warm.url}/${REALM}/`] },
          },
        },
      },
    });
    // What already runs on the live domain before canon knows it, and the dependent URL it serves.
    s.warm.setDeployed(IDP, '0.1.0+1.0.0');
    s.warm.setDeployed(REALM, 'realm');
  });
  afterAll(() => s.close());

  it('skips the unseeded live, protected recipe before its test, and runs no command against its domain', async () => {
    const r = await s.canon(['sweep']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const idp = await entry(s, 'idp');
    expect(idp).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'protected-domain' } });
    expect(idp.detail).toContain('canon adopt');
    expect((await s.calls()).map((c) => c.recipe)).toEqual(['app']);
    expect(ops()).toEqual([]);
    expect(await s.readCanonical('idp')).toBeNull();
  });

  it('adopt refuses a version that is not a release tag, or not the one running, and records nothing', async () => {
    const notTag = await s.canon(['adopt', '--recipe', 'idp', '--version', 'main', '--reason', 'x']);
    expect(notTag.code).toBe(1);
    expect(notTag.stderr).toContain('"main" is not a release tag on the mirror');
    const wrong = await s.canon(['adopt', '--recipe', 'idp', '--version', '0.2.0+1.1.0', '--reason', 'x']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/verify printed "0\.1\.0\+1\.0\.0" but --version is "0\.2\.0\+1\.1\.0"/);
    expect(await s.readCanonical('idp')).toBeNull();
    expect(await lines(s, 'idp', 'approvals.jsonl')).toEqual([]);
  });

  it('adopt records what runs as the canonical without deploying or tearing anything down', async () => {
    const r = await s.canon(['adopt', '--recipe', 'idp', '--version', '0.1.0+1.0.0', '--reason', 'running since the old reconciler']);
    expect(r.code, r.stderr).toBe(0);
    const tag010 = must(s.fleet.recipe('idp').upstream.tags.find((t) => t.name === '0.1.0+1.0.0'), 'tag 0.1.0+1.0.0');
    expect(JSON.parse(must(await s.readCanonical('idp'), 'canonical').toString())).toMatchObject({ version: '0.1.0+1.0.0', commit: tag010.commit });
    expect((await lines(s, 'idp', 'history.jsonl')).at(-1)).toMatchObject({ type: 'adopted', version: '0.1.0+1.0.0' });
    expect((await lines(s, 'idp', 'approvals.jsonl')).at(-1)).toMatchObject({ kind: 'adopt', version: '0.1.0+1.0.0', reason: 'running since the old reconciler' });
    expect(ops().filter((op) => op !== 'verify')).toEqual([]);
    expect(s.warm.state(IDP).deployed).toBe('0.1.0+1.0.0');
    const again = await s.canon(['adopt', '--recipe', 'idp', '--version', '0.1.0+1.0.0', '--reason', 'twice']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already has the canonical 0.1.0+1.0.0');
  });

  it('advances the live service with a backup first, never a teardown or a park, and leaves it running', async () => {
    const mark = ops().length;
    const r = await s.canon(['sweep']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(await entry(s, 'idp')).toMatchObject({ outcome: 'PROMOTED', decision: { reason: 'new-release' } });
    expect(ops().slice(mark)).toEqual(['backup', 'deploy:0.2.0+1.1.0', 'verify', 'snapshot', 'volume-size']);
    expect(ops()).not.toContain('teardown');
    expect(ops()).not.toContain('park');
    expect(s.warm.state(IDP).deployed).toBe('0.2.0+1.1.0');
  });

  it('a failed advance restores the backup and redeploys the canonical, rollback: false notwithstanding; the apps still run', async () => {
    const up = s.fleet.recipe('idp').upstream;
    await commit(up, { files: { VERSION: '0.3.0+1.2.0\n' } });
    await tag(up, '0.3.0+1.2.0');
    s.warm.configure(IDP, { unhealthyVersions: ['0.3.0+1.2.0'] });
    const mark = ops().length;
    const r = await s.canon(['sweep']);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    const idp = await entry(s, 'idp');
    expect(idp.outcome).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(idp.detail).toContain('came back healthy');
    expect(ops().slice(mark)).toEqual(['backup', 'deploy:0.3.0+1.2.0', 'restore', 'deploy:0.2.0+1.1.0']);
    expect(s.warm.state(IDP)).toMatchObject({ deployed: '0.2.0+1.1.0', restored: 1 });
    expect(JSON.parse(must(await s.readCanonical('idp'), 'canonical').toString())).toMatchObject({ version: '0.2.0+1.1.0' });
    // The rollback came back healthy: the apps' tier is not degraded.
    expect((await entry(s, 'app')).decision).toMatchObject({ reason: 'no-new-version' });
  });

  it('a failed backup deploys nothing and is not a final verdict', async () => {
    s.warm.configure(IDP, { unhealthyVersions: [], faults: { backup: 'fail' } });
    // 0.3.0's unhealthy advance above is a final verdict: one recheck lets the sweep try it again.
    expect((await s.canon(['recheck', '--recipe', 'idp', '--reason', 'the warm host was fixed'])).code).toBe(0);
    const mark = ops().length;
    const r = await s.canon(['sweep']);
    expect(r.code).toBe(1);
    expect((await entry(s, 'idp')).detail).toContain('backup-failed');
    expect(ops().slice(mark)).toEqual(['backup']);
    expect(s.warm.state(IDP).deployed).toBe('0.2.0+1.1.0');
  });

  it('health.also must pass too: a dependent URL down fails the advance', async () => {
    s.warm.configure(IDP, { faults: {} });
    s.warm.setDeployed(REALM, null);
    const r = await s.canon(['sweep']);
    expect(r.code).toBe(1);
    const idp = await entry(s, 'idp');
    expect(idp.detail).toContain(`${REALM}`);
    expect(idp.outcome).toBe('GREEN-BUT-PROMOTE-FAILED');
  });
});
