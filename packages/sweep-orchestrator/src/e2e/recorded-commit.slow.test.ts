import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commit, copyRefs, moveTag, revParse, setRef, tag, type BareRepo } from '@canon/testkit';
import type { RecipeRun } from '@canon/warm-registry';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScenario, must, type CanonResult, type Scenario } from '../testing/e2e-harness.js';

// Each scenario runs the real CLI, git and several processes: generous limits for loaded CI machines.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

// Records what each deploy saw (mode, version values, the checkout's VERSION file), then runs fake-abra.
const DEPLOY_PROBE = `
const { appendFileSync, readFileSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const [log, ...abra] = process.argv.slice(2);
const e = process.env;
let file = null;
try { file = readFileSync(e.CANON_CHECKOUT + '/VERSION', 'utf8'); } catch {}
appendFileSync(log, JSON.stringify({ recipe: e.CANON_RECIPE, mode: e.CANON_MODE, version: e.CANON_VERSION, commit: e.CANON_COMMIT, checkout: e.CANON_CHECKOUT, file }) + '\\n');
process.exit(spawnSync(abra[0], abra.slice(1), { stdio: 'inherit' }).status ?? 1);
`;

type Deploy = { mode: string; version: string; commit: string; checkout: string; file: string | null };

const domain = (recipe: string): string => `warm-${recipe}.ci.test`;

async function entry(s: Scenario, recipe: string): Promise<RecipeRun> {
  return must((await s.latestRun()).recipes.find((r) => r.recipe === recipe), `${recipe} in the latest run`);
}

/** Upstream re-tags the canonical's version onto the new release's commit (the tag moves to the failing commit). */
async function retagOntoNewRelease(up: BareRepo): Promise<void> {
  const next = await commit(up, { files: { VERSION: '1.1.0+1\n' } });
  await tag(up, '1.1.0+1', next);
  await moveTag(up, '1.0.0+1', next);
}

/** Upstream rewrites its history without the recorded commit; the mirror follows and prunes it. */
async function rewriteAway(up: BareRepo, mirror: BareRepo, recorded: string): Promise<void> {
  const root = await commit(up, { parents: [], files: { VERSION: '1.0.0+1\n' }, message: 'rewritten 1.0.0+1' });
  await moveTag(up, '1.0.0+1', root);
  const next = await commit(up, { parents: [root], files: { VERSION: '1.1.0+1\n' } });
  await tag(up, '1.1.0+1', next);
  await setRef(up, 'refs/heads/main', next);
  await copyRefs(up, mirror, ['+refs/heads/main:refs/heads/main', '+refs/tags/*:refs/tags/*']);
  await execa('git', ['--git-dir', mirror.path, 'reflog', 'expire', '--expire=now', '--all']);
  await execa('git', ['--git-dir', mirror.path, 'gc', '--quiet', '--prune=now']);
  expect((await execa('git', ['--git-dir', mirror.path, 'cat-file', '-e', recorded], { reject: false })).exitCode).not.toBe(0);
}

describe('rollback and baseline check out the recorded commit, never the tag', () => {
  let s: Scenario;
  const names = ['moved', 'gone', 'bmoved', 'bgone'];
  const before = new Map<string, Buffer>();
  const recorded = new Map<string, string>();
  let second: CanonResult;
  let deploysFile: string;
  const deploys = async (recipe: string): Promise<Deploy[]> =>
    (await readFile(deploysFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Deploy & { recipe: string })
      .filter((d) => d.recipe === recipe).map(({ recipe: _, ...d }) => d);
  const head = async (dir: string) => revParse({ name: 'checkout', path: join(dir, '.git') }, 'HEAD');

  beforeAll(async () => {
    s = await createScenario({ recipes: names.map((name) => ({ name, releases: ['1.0.0+1'] })) });
    deploysFile = join(s.dir, 'deploys.jsonl');
    const probe = join(s.dir, 'bin', 'deploy-probe.cjs');
    await writeFile(probe, DEPLOY_PROBE);
    await writeFile(deploysFile, '');
    const deploy = [process.execPath, probe, deploysFile, process.execPath, s.warm.fakeAbra, `--host=${s.warm.url}`, 'deploy', '{domain}', '{version}'];
    await s.writeConfig({ defaults: { promote: { deploy } } });
    const seeded = await s.canon(['sweep']);
    expect(seeded.code, seeded.stdout + seeded.stderr).toBe(0);
    for (const name of names) {
      const bytes = must(await s.readCanonical(name), `${name}'s canonical`);
      before.set(name, bytes);
      recorded.set(name, (JSON.parse(bytes.toString()) as { commit: string }).commit);
    }
    for (const name of ['moved', 'bmoved']) await retagOntoNewRelease(s.fleet.recipe(name).upstream);
    for (const name of ['gone', 'bgone']) await rewriteAway(s.fleet.recipe(name).upstream, s.fleet.recipe(name).mirror, must(recorded.get(name), name));
    s.warm.configure(domain('moved'), { unhealthyVersions: ['1.1.0+1'] });
    s.warm.configure(domain('gone'), { unhealthyVersions: ['1.1.0+1'] });
    await s.behave({ 'bmoved@1.1.0+1': 'fail', 'bgone@1.1.0+1': 'fail' });
    await s.writeConfig({ defaults: { promote: { deploy }, test: { baseline: 'on-red' } } });
    second = await s.canon(['sweep']);
  }, 240_000);
  afterAll(() => s.close());

  it('a moved tag: the rollback redeploys the recorded commit from <recipe>@previous and comes back healthy', async () => {
    expect(second.code, second.stdout).toBe(1);
    const e = await entry(s, 'moved');
    expect(e.outcome, e.detail).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(e.detail).toMatch(/rolled back to the previous canonical, which came back healthy/);
    const previous = join(s.workDir, 'checkouts', 'moved@previous');
    expect(await head(previous)).toBe(recorded.get('moved'));
    expect((await deploys('moved')).filter((d) => d.mode === 'rollback')).toEqual([
      { mode: 'rollback', version: '1.0.0+1', commit: recorded.get('moved'), checkout: previous, file: '1.0.0+1\n' },
    ]);
    expect(s.warm.state(domain('moved')).deployed).toBe('1.0.0+1');
    expect(await s.readCanonical('moved')).toEqual(before.get('moved'));
  });

  it('a recorded commit the mirror no longer has: the rollback is refused, nothing deployed for it, the detail says why', async () => {
    const e = await entry(s, 'gone');
    expect(e.outcome, e.detail).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(e.detail).toContain(`nothing was rolled back: rollback to 1.0.0+1 refused, nothing was redeployed: the previous canonical's recorded commit ${must(recorded.get('gone'), 'gone')}`);
    expect(e.detail).toMatch(/cannot be fetched from/);
    expect((await deploys('gone')).map((d) => `${d.mode}:${d.version}`)).toEqual(['seed:1.0.0+1', 'advance:1.1.0+1']);
    expect(s.warm.events(domain('gone')).filter((ev) => ev.mode === 'rollback')).toEqual([]);
    expect(await s.readCanonical('gone')).toEqual(before.get('gone'));
  });

  it('a moved tag: the baseline runs on the recorded commit (a regression, not "not run")', async () => {
    const e = await entry(s, 'bmoved');
    expect([e.outcome, e.testVerdict], e.detail).toEqual(['FAILED', 'regression']);
    const run = await s.latestRun();
    const baseline = (await s.calls()).filter((c) => c.recipe === 'bmoved' && c.runId === run.runId).at(-1);
    const previous = join(s.workDir, 'checkouts', 'bmoved@previous');
    expect(baseline).toMatchObject({ version: '1.0.0+1', commit: recorded.get('bmoved'), checkout: previous });
    expect(await head(previous)).toBe(recorded.get('bmoved'));
    expect(await readFile(join(previous, 'VERSION'), 'utf8')).toBe('1.0.0+1\n');
    expect(await s.readCanonical('bmoved')).toEqual(before.get('bmoved'));
  });

  it('a recorded commit the mirror no longer has: the baseline is not run, and says why', async () => {
    const e = await entry(s, 'bgone');
    expect(e.outcome, e.detail).toBe('FAILED');
    expect(e.testVerdict).not.toBe('regression');
    expect(e.detail).toMatch(new RegExp(`baseline not run: the canonical's recorded commit ${must(recorded.get('bgone'), 'bgone').slice(0, 12)} .*cannot be fetched from`));
    const run = await s.latestRun();
    expect((await s.calls()).filter((c) => c.recipe === 'bgone' && c.runId === run.runId).map((c) => c.version)).toEqual(['1.1.0+1']);
    expect(await s.readCanonical('bgone')).toEqual(before.get('bgone'));
  });
});
