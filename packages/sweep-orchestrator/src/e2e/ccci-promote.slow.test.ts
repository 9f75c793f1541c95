import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCcciHost, type CcciHost } from '@canon/testkit';
import type { RecipeRun } from '@canon/warm-registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScenario, must, type CanonResult, type Scenario } from '../testing/e2e-harness.js';
import { holdWithPython, type PythonHolder } from '../testing/python-flock.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

// Issue 12's promote-side hazards, through the built CLI: cc-ci's runner stand-in as the test
// command of one recipe, a real Python fcntl.flock holder on cc-ci's app lock, a CI run that
// takes the recipe during the test, and a warm domain something already serves.
const git = (args: string[]) => promisify(execFile)('git', args);
const RECIPES = ['gitea', 'locked', 'takenover', 'livewarm'];
const domain = (recipe: string) => `warm-${recipe}.ci.test`;

let s: Scenario;
let host: CcciHost;
let holder: PythonHolder;
let abraDir: string;
let missingRegistry: CanonResult;
let afterMissing: { runnerRuns: number; warmEvents: Record<string, unknown[]> };
let sweep: CanonResult;
let run: Map<string, RecipeRun>;

// What the unit's environment may hold by accident: canon must pass none of it to a command.
const strayEnv = () => ({ REF: 'refs/pull/7/head', CCCI_QUICK: '1', HOME: host.home, ABRA_DIR: abraDir });

function runnerConfig(passEnv: string[]): Record<string, unknown> {
  const lockDir = join(s.dir, 'run-lock');
  return {
    passEnv,
    recipes: {
      gitea: {
        test: {
          command: [host.ccciRun, host.runner],
          env: { RECIPE: '{recipe}', CCCI_REPO: host.ccciRepo, CCCI_SKIP_FETCH: '1' },
        },
      },
      locked: { promote: { locks: [join(lockDir, 'cc-ci-app-{domain}.lock')] } },
      // The "test" itself marks the recipe busy, as a CI run starting meanwhile would.
      takenover: {
        test: { command: [process.execPath, '-e', 'require("fs").writeFileSync(process.argv[1], JSON.stringify([process.argv[2]]))', join(s.dir, 'busy.json'), '{recipe}'] },
      },
    },
  };
}

beforeAll(async () => {
  s = await createScenario({ recipes: RECIPES.map((name) => ({ name, releases: ['1.0.0+1.24.2'] })) });
  host = await createCcciHost({ recipes: { gitea: { enrolled: false } } });
  // The runner finds the staged clone under ABRA_DIR only when canon passes that variable on.
  abraDir = join(host.root, 'abra');
  const clone = join(abraDir, 'recipes', 'gitea');
  // Async: the git server answering the clone runs in this process.
  await git(['clone', '--quiet', s.fleet.recipe('gitea').upstreamUrl, clone]);
  await git(['-C', clone, 'checkout', '--quiet', '--detach', '1.0.0+1.24.2']);
  mkdirSync(join(s.dir, 'run-lock'));
  s.warm.setDeployed(domain('livewarm'), 'hand-deployed');

  await s.writeConfig({ ...runnerConfig(['ABRA_DIR']), registryDir: join(s.dir, 'var', 'lib', 'ci-wram') });
  missingRegistry = await s.canon(['sweep'], { env: strayEnv() });
  afterMissing = { runnerRuns: host.results().length, warmEvents: Object.fromEntries(RECIPES.map((r) => [r, s.warm.events(domain(r))])) };

  await s.writeConfig(runnerConfig(['ABRA_DIR']));
  holder = await holdWithPython(join(s.dir, 'run-lock', `cc-ci-app-${domain('locked')}.lock`));
  try {
    sweep = await s.canon(['sweep'], { env: strayEnv() });
  } finally {
    await holder.release();
  }
  run = new Map((await s.latestRun()).recipes.map((r) => [r.recipe, r]));
}, 300_000);

afterAll(async () => {
  await host?.close();
  await s?.close();
});

const entry = (recipe: string) => must(run.get(recipe), `${recipe} in the run`);

it('a mistyped registryDir: exit 2 naming it, nothing tested, nothing torn down', () => {
  expect(missingRegistry.code, missingRegistry.stderr).toBe(2);
  expect(missingRegistry.stderr).toContain(join(s.dir, 'var', 'lib', 'ci-wram'));
  expect(afterMissing).toEqual({ runnerRuns: 0, warmEvents: Object.fromEntries(RECIPES.map((r) => [r, []])) });
});

describe('one sweep over the hazards', () => {
  it('exits 1: three recipes are green but not promoted', () => {
    expect(sweep.code, sweep.stdout + sweep.stderr).toBe(1);
    expect(Object.fromEntries([...run].map(([name, r]) => [name, r.outcome]))).toEqual({
      gitea: 'PROMOTED',
      locked: 'GREEN-BUT-PROMOTE-FAILED',
      takenover: 'GREEN-BUT-PROMOTE-FAILED',
      livewarm: 'GREEN-BUT-PROMOTE-FAILED',
    });
  });

  it('a stray REF and CCCI_QUICK=1 never reach the runner; the passEnv name does', () => {
    const results = host.results('gitea');
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ recipe: 'gitea', version: '1.0.0+1.24.2', ref: '', quick: false, exit: 0 });
  });

  it('cc-ci\'s app lock held by a Python fcntl.flock holder → app-locked, nothing deployed', async () => {
    expect(entry('locked').detail).toContain('app-locked');
    expect(entry('locked').detail).toContain(`pid ${holder.pid}`);
    expect(s.warm.events(domain('locked'))).toEqual([]);
    expect(await s.readCanonical('locked')).toBeNull();
  });

  it('busy again after the test → busy, nothing deployed', async () => {
    expect(entry('takenover').detail).toMatch(/busy.*another CI run holds takenover/);
    expect(s.warm.events(domain('takenover'))).toEqual([]);
    expect(await s.readCanonical('takenover')).toBeNull();
  });

  it('a live domain is never torn down for a seed: domain-in-use, naming canon adopt', async () => {
    expect(entry('livewarm').detail).toContain('domain-in-use');
    expect(entry('livewarm').detail).toContain('canon adopt --recipe livewarm');
    expect(s.warm.events(domain('livewarm'))).toEqual([]);
    expect(s.warm.state(domain('livewarm'))).toMatchObject({ deployed: 'hand-deployed', volumes: true });
    expect(await s.readCanonical('livewarm')).toBeNull();
  });
});

it('without passEnv the runner sees none of canon\'s ABRA_DIR (it finds no staged clone)', async () => {
  await s.writeConfig(runnerConfig([]));
  const again = await s.canon(['sweep', '--recipe', 'gitea', '--force'], { env: strayEnv() });
  expect(again.code, again.stdout).toBe(1);
  expect((await s.latestRun()).recipes.map((r) => r.outcome)).toEqual(['FAILED']);
  expect(host.results('gitea')).toHaveLength(1);
});
