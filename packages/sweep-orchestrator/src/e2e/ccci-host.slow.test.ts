import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commit, tag, type CiWarmRegistryView } from '@canon/testkit';
import type { RecipeRun } from '@canon/warm-registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config/index.js';
import { createCcciScenario, type CcciScenario } from '../testing/ccci-scenario.js';
import { must, type CanonResult } from '../testing/e2e-harness.js';

// Real git, the built CLI and the Python runner stand-in for every recipe: generous limits.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

// The plausible case: the old sweep staged 3.0.0 in the runner's clone; upstream tags 3.1.0.
const OLD = '3.0.0+1.27.2';
const NEW = '3.1.0+1.27.2';
const INFRA = ['traefik', 'keycloak'];
// Recipes the runner tests and promotes (promote.by "test"), each with its own hazard.
const DELEGATED = ['custom-html', 'gitea', 'merged', 'alarm', 'mover', 'red', 'foreign'];
// Not in the first plan: a recipe the runner never promoted, whose promote fails again.
const UNSEEDED = 'nopromote';
const WITH_NEW_RELEASE = ['custom-html', 'merged', 'alarm', 'mover', 'red', 'foreign', UNSEEDED];

const compose = (recipe: string, version: string): string =>
  `version: "3.8"\nservices:\n  app:\n    image: "example/${recipe}:1.27.2"\n    deploy:\n      labels:\n        - "coop-cloud.\${STACK_NAME}.version=${version}"\n`;

describe('canon on a cc-ci host, configured as docs/cc-ci.md says', () => {
  let s: CcciScenario;
  let plan: CanonResult;
  let sweep: CanonResult;
  const tagCommit = new Map<string, string>();
  let mergeCommit = '';
  let registryBefore: CiWarmRegistryView;
  let registryAfterPlan: CiWarmRegistryView;
  let runsAfterPlan: boolean;
  let dirsBefore: string[];
  const recordBytes = new Map<string, string>();

  const entry = async (recipe: string): Promise<RecipeRun> =>
    must((await s.latestRun()).recipes.find((r) => r.recipe === recipe), `${recipe} in the latest run`);
  const canonicalText = (recipe: string): string | null => {
    const file = join(s.host.warmRoot, recipe, 'canonical.json');
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
  };

  beforeAll(async () => {
    const names = [...INFRA, ...DELEGATED, UNSEEDED];
    s = await createCcciScenario({
      recipes: names.map((name) => ({ name, releases: [OLD] })),
      behaviour: {
        'custom-html': {}, gitea: {}, foreign: {}, red: { exit: { [NEW]: 1 } }, alarm: { exit: { [NEW]: 142 } },
        [UNSEEDED]: { promote: 'fail' },
      },
    });
    for (const name of names) tagCommit.set(`${name}@${OLD}`, must(s.fleet.recipe(name).upstream.tags[0]?.commit, `${name}'s tag`));
    // The old sweep's state: staged clones at OLD (`abra recipe checkout`), records and last_good at OLD.
    for (const name of DELEGATED.filter((n) => n !== 'foreign')) await s.host.stage(name, s.fleet.recipe(name).upstreamUrl, OLD);
    mkdirSync(s.host.stagedClone('foreign'), { recursive: true });
    writeFileSync(join(s.host.stagedClone('foreign'), 'operator-notes.txt'), 'not a git repository\n');
    // traefik and keycloak as `canon adopt` records them before the first plan (docs/cc-ci.md step 4).
    await s.host.seedRegistry([...INFRA, ...DELEGATED].map((recipe) => ({ recipe, version: OLD, commit: must(tagCommit.get(`${recipe}@${OLD}`), recipe) })));
    registryBefore = await s.host.readRegistry();
    dirsBefore = s.registryDirs();
    await s.writeConfig(DELEGATED.filter((n) => n !== 'custom-html' && n !== 'gitea'));
    plan = await s.canon(['plan', '--json']);
    registryAfterPlan = await s.host.readRegistry();
    runsAfterPlan = existsSync(join(s.stateDir, 'runs'));

    for (const name of WITH_NEW_RELEASE) {
      const up = s.fleet.recipe(name).upstream;
      await commit(up, { files: { 'compose.yml': compose(name, NEW), VERSION: `${NEW}\n` }, message: `chore: publish ${NEW} release` });
      tagCommit.set(`${name}@${NEW}`, (await tag(up, NEW)).commit);
    }
    mergeCommit = await commit(s.fleet.recipe('merged').upstream, {
      branch: 'merge', parents: [must(tagCommit.get(`merged@${NEW}`), 'merged'), must(tagCommit.get(`merged@${OLD}`), 'merged')],
      message: 'Merge branch release',
    });
    s.host.setBehaviour('merged', { recordCommit: mergeCommit });
    s.host.setBehaviour('mover', { moveCheckoutTo: must(tagCommit.get(`mover@${OLD}`), 'mover') });
    for (const name of ['red', 'alarm', 'foreign', 'gitea']) recordBytes.set(name, must(canonicalText(name), name));
    await s.writeConfig([...DELEGATED.filter((n) => n !== 'custom-html' && n !== 'gitea'), UNSEEDED]);
    sweep = await s.canon(['sweep']);
  }, 300_000);
  afterAll(() => s?.close());

  it('loads the doc config, dropping only keys the loader does not know yet', async () => {
    const config = await loadConfig({ flag: s.configPath, env: {}, cwd: '/' });
    expect(config).toMatchObject({ registryDir: s.host.warmRoot, registryFormat: 'ci-warm' });
    const byName = new Map(config.recipes.map((r) => [r.name, r]));
    expect(byName.get('custom-html')?.test).toMatchObject({
      command: [s.host.ccciRun, join(s.host.ccciRepo, 'runner', 'run_recipe_ci.py')],
      cwd: s.host.ccciRepo, checkoutDir: join(s.host.home, '.abra', 'recipes', '{recipe}'), timeoutExitCodes: [142],
    });
    expect(byName.get('custom-html')?.promote?.by).toBe('test');
    for (const name of INFRA) expect(byName.get(name)?.promote).toMatchObject({ by: 'canon', rollback: true });
    // Every key dropped belongs to another part of canon that has not landed; none is canon's cc-ci test side.
    for (const key of s.dropped) expect(key).toMatch(/^(tiers|recipes\.(traefik|keycloak)\.(hold|promote\.(mode|backup|restore|locks|health\.also))|defaults\.test\.revision)$/);
  });

  it('the first canon plan against the existing registry shows every recipe SKIPPED and writes nothing', async () => {
    expect(plan.code, plan.stderr).toBe(0);
    const decided = (JSON.parse(plan.stdout) as { recipes: { recipe: string; action: string; reason: string }[] }).recipes;
    expect(decided.map((d) => d.recipe).sort()).toEqual([...INFRA, ...DELEGATED].sort());
    for (const d of decided) expect(d, d.recipe).toMatchObject({ action: 'skip', reason: 'no-new-version' });
    expect(registryAfterPlan).toEqual(registryBefore);
    expect(runsAfterPlan).toBe(false);
  });

  it('the runner tested exactly the tag canon decided (3.1.0 in its staged clone, not the 3.0.0 the old sweep left)', async () => {
    expect(sweep.code, sweep.stdout + sweep.stderr).toBe(1);
    const decided = await entry('custom-html');
    expect(decided.tested).toEqual({ version: NEW, tag: NEW, commit: tagCommit.get(`custom-html@${NEW}`) });
    expect(s.host.results('custom-html').map((r) => [r.version, r.commit, r.ref, r.quick])).toEqual([[NEW, tagCommit.get(`custom-html@${NEW}`), '', false]]);
  });

  it('a green run the runner recorded is PROMOTED, from the record it wrote; canon deployed nothing itself', async () => {
    const e = await entry('custom-html');
    expect(e.outcome, e.detail).toBe('PROMOTED');
    expect(e.canonicalAfter).toMatchObject({ version: NEW, commit: tagCommit.get(`custom-html@${NEW}`) });
    const record = JSON.parse(must(canonicalText('custom-html'), 'the record')) as Record<string, unknown>;
    expect(Object.keys(record).sort()).toEqual(['commit', 'domain', 'recipe', 'status', 'ts', 'version']);
    // The runner's deploy, its undeploy keeping the volume — and nothing else on the warm domain.
    expect(s.host.swarm.events(s.host.warmDomain('custom-html')).map((ev) => ev.op).filter((op) => op !== 'ps')).toEqual(['deploy', 'undeploy']);
    const history = readFileSync(join(s.stateDir, 'recipes', 'custom-html', 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(history).toEqual([expect.objectContaining({ type: 'promoted', version: NEW, commit: tagCommit.get(`custom-html@${NEW}`), previous: { version: OLD, commit: tagCommit.get(`custom-html@${OLD}`) } })]);
  });

  it('a green run without a record (the runner\'s "WC5 promote failed", exit 0) is GREEN-BUT-PROMOTE-FAILED', async () => {
    const e = await entry(UNSEEDED);
    expect(e.outcome, e.detail).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(e.detail).toMatch(/not-recorded.*exited 0 but wrote no canonical record for nopromote/);
    expect(readFileSync(join(s.stateDir, 'runs', (await s.latestRun()).runId, UNSEEDED, 'test.log'), 'utf8')).toContain('WC5 promote failed');
  });

  it('a record holding a merge commit is GREEN-BUT-PROMOTE-FAILED naming both commits', async () => {
    const e = await entry('merged');
    expect(e.outcome, e.detail).toBe('GREEN-BUT-PROMOTE-FAILED');
    const tagged = must(tagCommit.get(`merged@${NEW}`), 'tag commit');
    expect(e.detail).toContain(mergeCommit.slice(0, 12));
    expect(e.detail).toContain(tagged.slice(0, 12));
    expect(e.detail).toMatch(/canon did not accept that record$/);
    expect(e.canonicalAfter).toMatchObject({ version: NEW, commit: mergeCommit });
  });

  it("the runner's own alarm (exit 142) is TIMED-OUT, and the canonical stays as it was", async () => {
    const e = await entry('alarm');
    expect(e.outcome, e.detail).toBe('TIMED-OUT');
    expect(e.detail).toMatch(/exited 142, which test.timeoutExitCodes counts as its own deadline/);
    expect(canonicalText('alarm')).toBe(recordBytes.get('alarm'));
  });

  it('a red run is FAILED and leaves the record byte-identical', async () => {
    expect((await entry('red')).outcome).toBe('FAILED');
    expect(canonicalText('red')).toBe(recordBytes.get('red'));
  });

  it('a checkout that moved during the test is ERROR, never PROMOTED', async () => {
    const e = await entry('mover');
    expect(e.outcome).toBe('ERROR');
    expect(e.detail).toContain(`moved during the test: HEAD is ${must(tagCommit.get(`mover@${OLD}`), 'old')}, not ${NEW}'s commit ${must(tagCommit.get(`mover@${NEW}`), 'new')}`);
  });

  it('a checkoutDir that is not a git repository is ERROR, left untouched, and the runner never ran', async () => {
    const e = await entry('foreign');
    expect(e.outcome).toBe('ERROR');
    expect(e.detail).toMatch(/holds files but is not a git repository of its own.*left it untouched/);
    expect(readFileSync(join(s.host.stagedClone('foreign'), 'operator-notes.txt'), 'utf8')).toBe('not a git repository\n');
    expect(s.host.results('foreign')).toEqual([]);
    expect(canonicalText('foreign')).toBe(recordBytes.get('foreign'));
  });

  it('recipes without a new release are SKIPPED and their runner never ran', async () => {
    for (const name of [...INFRA, 'gitea']) expect((await entry(name)).outcome, name).toBe('SKIPPED');
    expect(s.host.results('gitea')).toEqual([]);
    expect(canonicalText('gitea')).toBe(recordBytes.get('gitea'));
  });

  it('the registry stays readable by cc-ci, last_good follows canonical.json, and no directory appeared', async () => {
    const after = await s.host.readRegistry();
    expect(s.registryDirs()).toEqual(dirsBefore);
    expect(after['custom-html']).toMatchObject({ version: NEW, last_good: `${NEW}\n`, status: 'idle', snapshot: expect.objectContaining({ version: NEW }) });
    for (const name of [...INFRA, 'gitea', 'red', 'alarm', 'foreign']) expect(after[name], name).toEqual(registryBefore[name]);
  });

  it('canon promote on a recipe the runner promotes exits 2 naming promote.by, and deploys nothing', async () => {
    const bytes = canonicalText('red');
    const events = s.host.swarm.events().length;
    const r = await s.canon(['promote', '--recipe', 'red', '--version', NEW]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toMatch(/recipe red has promote\.by "test"/);
    expect(canonicalText('red')).toBe(bytes);
    expect(s.host.swarm.events()).toHaveLength(events);
    await expect(s.host.readRegistry()).resolves.toMatchObject({ red: { version: OLD } });
  });
});
