import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { runGit } from '../internal/git.js';
import { FAKE_ABRA_PATH } from '../warm-host.js';
import {
  readCiWarmRegistry,
  seedCiWarmRegistry,
  type CiWarmRegistryView,
  type CiWarmSeed,
} from './ci-warm-registry.js';
import { openFileSwarm, type FileSwarm } from './file-swarm.js';

const ccciFile = (name: string) => fileURLToPath(new URL(`../../ccci/${name}`, import.meta.url));
/** The runner stand-in, copied into each host's `CCCI_REPO/runner/`. */
export const CCCI_RUNNER_PATH = ccciFile('run_recipe_ci.py');
/** The `cc-ci-run` wrapper stand-in, linked into each host's `bin/`. */
export const CCCI_RUN_PATH = ccciFile('cc-ci-run');

/** What the runner stand-in does for one recipe (`CCCI_REPO/tests/<recipe>/standin.json`). */
export type CcciRecipeBehaviour = {
  /** `WARM_CANONICAL = True` in `tests/<recipe>/recipe_meta.py`; default true. */
  enrolled?: boolean;
  /** Exit code per tested version, `'*'` for any other; default 0. 142 is the runner's alarm. */
  exit?: Record<string, number>;
  /** `'fail'`: the self-promote fails (logged `WC5 promote failed: …`), the run still exits 0. */
  promote?: 'ok' | 'fail';
  /** The self-promote records this commit instead of the tested HEAD (e.g. a merge commit). */
  recordCommit?: string;
  /** During the test, `git checkout --detach` the staged clone to this commit. */
  moveCheckoutTo?: string;
  /** How long the "test" takes. */
  testSeconds?: number;
  /** The runner's own SIGALRM deadline (exit 142); default 3600. */
  alarmSeconds?: number;
};

export type CreateCcciHostOptions = {
  recipes?: Record<string, CcciRecipeBehaviour>;
  /** Domain suffix of the warm and cold apps; default `ci.commoninternet.net`. */
  domainSuffix?: string;
  /** How long the self-promote waits for the warm domain's app lock; default 5 s. */
  lockWaitSeconds?: number;
};

export type RunnerResult = {
  recipe: string;
  version: string;
  commit: string;
  ref: string;
  quick: boolean;
  domain: string;
  promoted: boolean;
  exit: number;
};

export interface CcciHost {
  readonly root: string;
  /** The cc-ci checkout (`/etc/cc-ci`): a git repository with `runner/run_recipe_ci.py` and `tests/`. */
  readonly ccciRepo: string;
  readonly runner: string;
  /** `bin/cc-ci-run`; `bin/abra` beside it is the file-backed fake-abra. */
  readonly ccciRun: string;
  readonly binDir: string;
  /** HOME of the runner; the staged clones are `<home>/.abra/recipes/<recipe>`. */
  readonly home: string;
  readonly warmRoot: string;
  readonly runsDir: string;
  /** Stands in for `/run/lock` (a stand-in deviation: the runner reads it from the host's config). */
  readonly lockDir: string;
  readonly domainSuffix: string;
  readonly swarm: FileSwarm;
  stagedClone(recipe: string): string;
  warmDomain(recipe: string): string;
  lockPath(domain: string): string;
  setBehaviour(recipe: string, behaviour: CcciRecipeBehaviour): void;
  /** Clones `url` into the staged clone and detaches it at `ref`, as `abra recipe checkout` did. */
  stage(recipe: string, url: string, ref: string): Promise<string>;
  seedRegistry(seeds: readonly CiWarmSeed[]): Promise<void>;
  /** The registry as cc-ci's Python reads it; rejects with every problem cc-ci would choke on. */
  readRegistry(): Promise<CiWarmRegistryView>;
  /** Runs `cc-ci-run runner RECIPE=…` with only PATH, HOME and the cc-ci variables, plus `env`. */
  runRunner(
    recipe: string,
    env?: Record<string, string>,
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Every results.json the runner wrote, oldest first. */
  results(recipe?: string): RunnerResult[];
  close(): Promise<void>;
}

/** A cc-ci host in a temp dir (shared/CC-CI.md): runner, cc-ci-run, file-backed abra and swarm, ci-warm registry, lock dir. */
export async function createCcciHost(opts: CreateCcciHostOptions = {}): Promise<CcciHost> {
  const root = await mkdtemp(join(tmpdir(), 'canon-ccci-'));
  const dir = (...parts: string[]) => {
    const path = join(root, ...parts);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const ccciRepo = dir('etc', 'cc-ci');
  const binDir = dir('bin');
  const home = dir('root');
  const warmRoot = dir('var', 'lib', 'ci-warm');
  const runsDir = dir('var', 'lib', 'cc-ci-runs');
  const lockDir = dir('run', 'lock');
  const swarm = openFileSwarm(dir('swarm'));
  const domainSuffix = opts.domainSuffix ?? 'ci.commoninternet.net';
  dir('etc', 'cc-ci', 'runner');
  dir('etc', 'cc-ci', 'tests');
  const runner = join(ccciRepo, 'runner', 'run_recipe_ci.py');
  copyFileSync(CCCI_RUNNER_PATH, runner);
  symlinkSync(FAKE_ABRA_PATH, join(binDir, 'abra'));
  symlinkSync(CCCI_RUN_PATH, join(binDir, 'cc-ci-run'));
  writeFileSync(
    join(root, 'standin.json'),
    JSON.stringify({
      lockDir,
      runsDir,
      warmRoot,
      swarmDir: swarm.dir,
      domainSuffix,
      lockWaitSeconds: opts.lockWaitSeconds ?? 5,
      healthSeconds: 5,
    }),
  );

  const setBehaviour = (recipe: string, behaviour: CcciRecipeBehaviour) => {
    const testsDir = dir('etc', 'cc-ci', 'tests', recipe);
    const { enrolled = true, ...rest } = behaviour;
    writeFileSync(
      join(testsDir, 'recipe_meta.py'),
      `WARM_CANONICAL = ${enrolled ? 'True' : 'False'}\n`,
    );
    writeFileSync(join(testsDir, 'standin.json'), JSON.stringify(rest));
  };
  for (const [recipe, behaviour] of Object.entries(opts.recipes ?? {}))
    setBehaviour(recipe, behaviour);
  await runGit(['init', '--quiet', '--initial-branch=main', ccciRepo]);
  await runGit(['-C', ccciRepo, 'add', '--all']);
  await runGit(['-C', ccciRepo, 'commit', '--quiet', '--message', 'cc-ci checkout']);

  const stagedClone = (recipe: string) => join(home, '.abra', 'recipes', recipe);
  return {
    root,
    ccciRepo,
    runner,
    ccciRun: join(binDir, 'cc-ci-run'),
    binDir,
    home,
    warmRoot,
    runsDir,
    lockDir,
    domainSuffix,
    swarm,
    stagedClone,
    warmDomain: (recipe) => `warm-${recipe}.${domainSuffix}`,
    lockPath: (domain) => join(lockDir, `cc-ci-app-${domain}.lock`),
    setBehaviour,
    async stage(recipe, url, ref) {
      const clone = stagedClone(recipe);
      if (!existsSync(clone)) await runGit(['clone', '--quiet', url, clone]);
      await runGit(['-C', clone, 'fetch', '--quiet', '--tags', 'origin']);
      await runGit(['-C', clone, 'checkout', '--quiet', '--detach', ref]);
      return (await runGit(['-C', clone, 'rev-parse', 'HEAD'])).stdout;
    },
    seedRegistry: (seeds) => seedCiWarmRegistry(warmRoot, seeds, domainSuffix),
    readRegistry: () => readCiWarmRegistry(warmRoot),
    async runRunner(recipe, env = {}) {
      const result = await execa(join(binDir, 'cc-ci-run'), [runner], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          RECIPE: recipe,
          CCCI_SKIP_FETCH: '1',
          CCCI_REPO: ccciRepo,
          ...env,
        },
        extendEnv: false,
        cwd: ccciRepo,
        reject: false,
      });
      return {
        code: result.exitCode ?? -1,
        stdout: String(result.stdout),
        stderr: String(result.stderr),
      };
    },
    results(recipe) {
      return readdirSync(runsDir)
        .map((run) => join(runsDir, run, 'results.json'))
        .filter((path) => existsSync(path))
        .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
        .map((path) => JSON.parse(readFileSync(path, 'utf8')) as RunnerResult)
        .filter((r) => recipe === undefined || r.recipe === recipe);
    },
    close: async () => rmSync(root, { recursive: true, force: true }),
  };
}
