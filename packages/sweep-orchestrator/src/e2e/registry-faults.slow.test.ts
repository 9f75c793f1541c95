import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commit, tag } from '@canon/testkit';
import type { RecipeRun } from '@canon/warm-registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScenario, must, type Scenario } from '../testing/e2e-harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

// A read-only bind mount and a tmpfs need root (CI runs the tests as root).
const isRoot = process.getuid?.() === 0;
const domain = (recipe: string): string => `warm-${recipe}.ci.test`;
const mount = (...args: string[]): void => {
  execFileSync('mount', args, { stdio: 'pipe' });
};

async function entry(sc: Scenario, recipe: string): Promise<RecipeRun> {
  return must((await sc.latestRun()).recipes.find((r) => r.recipe === recipe), `${recipe} in the latest run`);
}

/** Fills a tmpfs to the last page: every later write there fails with ENOSPC. */
async function fill(dir: string): Promise<void> {
  const chunk = Buffer.alloc(4096, 1);
  for (let i = 0; ; i++) {
    try {
      await writeFile(join(dir, `fill-${i}`), chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
      throw error;
    }
  }
}

// `adv` is seeded by a first sweep and then gets 1.1.0+1; `seed` has no canonical yet. Each
// fault makes the record unwritable after a healthy, verified deploy: the deploy is undone.
describe.skipIf(!isRoot)('a deploy whose record cannot be written is undone (needs root for mount; skipped otherwise)', () => {
  let s: Scenario;
  let registryDir: string;
  let seededRecord: Buffer;
  const mounted: string[] = [];

  beforeAll(async () => {
    s = await createScenario({ recipes: [{ name: 'adv', releases: ['1.0.0+1'] }, { name: 'seed', releases: ['1.0.0+1'] }] });
    registryDir = join(s.dir, 'registry');
    await mkdir(registryDir);
    await s.writeConfig({ registryDir });
    const first = await s.canon(['sweep', '--recipe', 'adv']);
    expect(first.code, first.stderr).toBe(0);
    seededRecord = await readFile(join(registryDir, 'adv', 'canonical.json'));
    const up = s.fleet.recipe('adv').upstream;
    await commit(up, { files: { VERSION: '1.1.0+1\n' } });
    await tag(up, '1.1.0+1');
  });
  afterAll(async () => {
    for (const dir of mounted.reverse()) execFileSync('umount', [dir]);
    await s?.close();
  });

  async function expectUndone(recordDir: string, fault: RegExp): Promise<void> {
    const adv = await entry(s, 'adv');
    expect(adv).toMatchObject({ outcome: 'GREEN-BUT-PROMOTE-FAILED', tested: { version: '1.1.0+1' } });
    expect(adv.detail).toMatch(/record-write-failed/);
    expect((await readFile(join(recordDir, 'adv', 'canonical.json'))).equals(seededRecord)).toBe(true);
    expect(s.warm.state(domain('adv'))).toMatchObject({ deployed: '1.0.0+1', mode: 'rollback' });
    const log = await readFile(join(s.stateDir, 'runs', (await s.latestRun()).runId, 'adv', 'promote.log'), 'utf8');
    expect(log).toMatch(fault);

    const seed = await entry(s, 'seed');
    expect(seed).toMatchObject({ outcome: 'GREEN-BUT-PROMOTE-FAILED', tested: { version: '1.0.0+1' } });
    expect(seed.detail).toMatch(/record-write-failed/);
    expect(existsSync(join(recordDir, 'seed', 'canonical.json'))).toBe(false);
    expect(s.warm.state(domain('seed'))).toMatchObject({ deployed: null, volumes: false });
    expect(s.warm.events(domain('seed')).map((e) => e.op).slice(-2)).toEqual(['snapshot', 'teardown']);
  }

  it('read-only registry, rollback off: the advance goes back to the canonical, the seed is torn down', async () => {
    mount('--bind', registryDir, registryDir);
    mounted.push(registryDir);
    mount('-o', 'remount,ro,bind', registryDir);
    await s.writeConfig({ registryDir, defaults: { promote: { rollback: false } } });
    const r = await s.canon(['sweep']);
    expect(r.code, r.stderr).toBe(1);
    await expectUndone(registryDir, /read-only|EROFS/i);
  });

  it('full registry disk, rollback on: the same undo, and the old record stays byte-identical', async () => {
    const full = join(s.dir, 'full-registry');
    await mkdir(full);
    mount('-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', full);
    mounted.push(full);
    await cp(join(registryDir, 'adv'), join(full, 'adv'), { recursive: true });
    await fill(full);
    await s.writeConfig({ registryDir: full });
    const r = await s.canon(['sweep']);
    expect(r.code, r.stderr).toBe(1);
    await expectUndone(full, /ENOSPC|no space/i);
  });
});
