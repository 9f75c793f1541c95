import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commit, tag } from '@canon/testkit';
import type { RecipeRun, VerdictRecord } from '@canon/warm-registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScenario, type Scenario } from '../testing/e2e-harness.js';

// Each scenario runs the real CLI, git and several processes: generous limits for loaded CI machines.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

async function entry(s: Scenario, recipe: string): Promise<RecipeRun> {
  const found = (await s.latestRun()).recipes.find((r) => r.recipe === recipe);
  if (found === undefined) throw new Error(`no ${recipe} in the latest run`);
  return found;
}

async function verdicts(s: Scenario, recipe: string): Promise<VerdictRecord[]> {
  const file = join(s.stateDir, 'recipes', recipe, 'verdicts.jsonl');
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as VerdictRecord);
}

async function release(s: Scenario, recipe: string, version: string): Promise<void> {
  const up = s.fleet.recipe(recipe).upstream;
  await commit(up, { files: { VERSION: `${version}\n` } });
  await tag(up, version);
}

const testsOf = async (s: Scenario, recipe: string) => (await s.calls()).filter((c) => c.recipe === recipe).map((c) => c.version);

describe('a red release is tested once', () => {
  let s: Scenario;
  let revisionFile: string;
  beforeAll(async () => {
    s = await createScenario({ recipes: [{ name: 'alpha', releases: ['1.0.0+1'] }, { name: 'beta', releases: ['1.0.0+1'] }] });
    revisionFile = join(s.dir, 'suite-revision.txt');
    await writeFile(revisionFile, 'suite-r1\n');
    await s.writeConfig({ defaults: { test: { revision: [process.execPath, '-e', `process.stdout.write(require('fs').readFileSync(${JSON.stringify(revisionFile)}, 'utf8'))`] } } });
    expect((await s.canon(['sweep'])).code).toBe(0);
  });
  afterAll(() => s.close());

  it('a red, then a second sweep that runs no test and says why, with the run id', async () => {
    await release(s, 'alpha', '1.1.0+1');
    await s.behave({ 'alpha@1.1.0+1': 'fail' });
    expect((await s.canon(['sweep', '--recipe', 'alpha'])).code).toBe(1);
    const red = await entry(s, 'alpha');
    expect([red.outcome, red.testVerdict]).toEqual(['FAILED', 'red']);
    expect(red.attempts).toEqual([{ exitCode: 1, signal: null, durationMs: expect.any(Number), log: 'alpha/test.log' }]);
    const [line] = (await verdicts(s, 'alpha')).slice(-1);
    expect(line).toMatchObject({ outcome: 'FAILED', final: true, reason: 'suite-red', runId: (await s.latestRun()).runId, key: { version: '1.1.0+1' } });

    const before = await testsOf(s, 'alpha');
    const second = await s.canon(['sweep', '--recipe', 'alpha']);
    expect(second.code).toBe(0);
    const skipped = await entry(s, 'alpha');
    expect(skipped.outcome).toBe('SKIPPED');
    expect(skipped.decision?.reason).toBe('known-failed');
    expect(skipped.detail).toContain(`FAILED (suite-red) in run ${line?.runId}`);
    expect(skipped.logs.test).toBeUndefined();
    expect(existsSync(join(s.stateDir, 'runs', (await s.latestRun()).runId, 'alpha', 'test.log'))).toBe(false);
    expect(await testsOf(s, 'alpha')).toEqual(before);

    const plan = await s.canon(['plan', '--recipe', 'alpha']);
    expect(plan.stdout).toMatch(/alpha: skip known-failed — 1\.1\.0\+1 is a known failure: .*canon recheck --recipe alpha/);

    // The known failure stays visibly red in every report, with its age and run.
    const md = (await s.canon(['report', '--format', 'md'])).stdout;
    expect(md).toMatch(new RegExp(`## Known failures \\(not re-tested\\)\\n\\n- \\*\\*alpha\\*\\*: .* · test verdict red: 1\\.1\\.0\\+1 FAILED \\S+ ago \\(run ${line?.runId}\\)`));
    const html = (await s.canon(['report', '--format', 'html'])).stdout;
    expect(html).toMatch(/<tr data-recipe="alpha" data-outcome="SKIPPED" class="known-failed">.*<span class="badge known"[^>]*>known failure<\/span><span class="verdict v-red"/);
    const prom = (await s.canon(['report', '--format', 'prom'])).stdout;
    expect(prom).toContain('canon_recipe_test_verdict{recipe="alpha",verdict="red"} 1\n');
    expect(prom).toContain('canon_recipe_test_verdict{recipe="beta",verdict="green"} 1\n');
    const status = JSON.parse((await s.canon(['status', '--json'])).stdout) as { recipes: { recipe: string; knownFailed: boolean; lastTest: { verdict: string; runId: string } | null }[] };
    expect(status.recipes.find((r) => r.recipe === 'alpha')).toMatchObject({ knownFailed: true, lastTest: { verdict: 'red', runId: line?.runId } });
  });

  it('a changed suite revision re-tests it; a revision command that prints nothing is ERROR suite-revision, untested', async () => {
    await writeFile(revisionFile, 'suite-r2\n');
    const before = await testsOf(s, 'alpha');
    expect((await s.canon(['sweep', '--recipe', 'alpha'])).code).toBe(1);
    expect(await testsOf(s, 'alpha')).toEqual([...before, '1.1.0+1']);
    await writeFile(revisionFile, '');
    expect((await s.canon(['sweep', '--recipe', 'alpha'])).code).toBe(1);
    const broken = await entry(s, 'alpha');
    expect(broken.outcome).toBe('ERROR');
    expect(broken.detail).toMatch(/^suite-revision: test\.revision .* printed nothing/);
    expect(await testsOf(s, 'alpha')).toEqual([...before, '1.1.0+1']);
    await writeFile(revisionFile, 'suite-r2\n');
    expect((await s.canon(['sweep', '--recipe', 'alpha'])).code).toBe(0);
    expect((await entry(s, 'alpha')).decision?.reason).toBe('known-failed');
  });

  it('canon recheck buys exactly one more test; without a final verdict it exits 1 and writes nothing', async () => {
    const none = await s.canon(['recheck', '--recipe', 'beta']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/beta has no final verdict to recheck/);
    expect(existsSync(join(s.stateDir, 'recipes', 'beta', 'approvals.jsonl'))).toBe(false);

    const ok = await s.canon(['recheck', '--recipe', 'alpha', '--reason', 'runner fixed']);
    expect(ok.code).toBe(0);
    const approvals = (await readFile(join(s.stateDir, 'recipes', 'alpha', 'approvals.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(approvals).toEqual([expect.objectContaining({ kind: 'recheck', version: '1.1.0+1', reason: 'runner fixed', who: expect.any(String) })]);
    const before = await testsOf(s, 'alpha');
    expect((await s.canon(['sweep', '--recipe', 'alpha'])).code).toBe(1);
    expect(await testsOf(s, 'alpha')).toEqual([...before, '1.1.0+1']);
    expect((await s.canon(['sweep', '--recipe', 'alpha'])).code).toBe(0);
    expect((await entry(s, 'alpha')).decision?.reason).toBe('known-failed');
    expect(await testsOf(s, 'alpha')).toEqual([...before, '1.1.0+1']);
  });
});

describe('promote failures, flakes, baselines and waivers', () => {
  let s: Scenario;
  const names = ['deploy', 'flaky', 'held', 'reg', 'always', 'waived', 'other'];
  beforeAll(async () => {
    s = await createScenario({ recipes: names.map((name) => ({ name, releases: ['1.0.0+1'] })) });
    expect((await s.canon(['sweep'])).code).toBe(0);
    for (const name of names) await release(s, name, '1.1.0+1');
  });
  afterAll(() => s.close());

  it('tells a flake, a held flake, a regression, an always-failed suite, a waived red and a deploy failure apart', async () => {
    s.warm.configure('warm-deploy.ci.test', { failDeployVersions: ['1.1.0+1'] });
    await s.behave({ 'flaky@1.1.0+1': 'flaky', 'held@1.1.0+1': 'flaky', 'reg@1.1.0+1': 'fail', always: 'fail', 'waived@1.1.0+1': 'fail', 'other@1.1.0+1': 'fail' });
    await s.writeConfig({
      defaults: { test: { baseline: 'on-red', retries: 1 } },
      recipes: {
        held: { test: { flaky: 'hold' } },
        waived: { waive: [{ version: '1.1.0+1', reason: 'upstream bug #7', expires: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) }] },
        other: { waive: [{ version: '1.0.0+1', reason: 'only the old one', expires: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) }, { version: '1.1.0+1', reason: 'expired', expires: '2020-01-01' }] },
      },
    });
    const sweep = await s.canon(['sweep']);
    expect(sweep.code).toBe(1);
    expect(sweep.stderr + sweep.stdout).toContain('waiver for 1.1.0+1 (expires 2020-01-01) has expired and is ignored');
    const run = await s.latestRun();
    const of = (name: string) => run.recipes.find((r) => r.recipe === name);

    expect([of('flaky')?.outcome, of('flaky')?.testVerdict]).toEqual(['PROMOTED', 'flaky']);
    expect(of('flaky')?.attempts?.map((a) => [a.exitCode, a.log])).toEqual([[1, 'flaky/test.log'], [0, 'flaky/retry-1.log']]);
    expect([of('held')?.outcome, of('held')?.testVerdict, of('held')?.detail]).toEqual(['FAILED', 'flaky', expect.stringMatching(/^flaky: red, then green on retry 1; held back/)]);

    expect([of('reg')?.outcome, of('reg')?.testVerdict]).toEqual(['FAILED', 'regression']);
    expect(of('reg')?.detail).toContain('regression: the canonical 1.0.0+1 passes the same suite');
    expect([of('always')?.outcome, of('always')?.testVerdict]).toEqual(['FAILED', 'always-failed']);
    const baselines = (await s.calls()).filter((c) => c.recipe === 'reg' && c.runId === run.runId);
    // The red, its retry, then the baseline on the canonical's own checkout and version.
    expect(baselines.map((c) => c.version)).toEqual(['1.1.0+1', '1.1.0+1', '1.0.0+1']);
    expect(baselines[2]?.checkout).toBe(join(s.workDir, 'checkouts', 'reg@previous'));

    expect(of('waived')?.outcome).toBe('PROMOTED');
    expect(of('waived')?.detail).toContain('waived: upstream bug #7');
    const history = await readFile(join(s.stateDir, 'recipes', 'waived', 'history.jsonl'), 'utf8');
    expect(history).toMatch(/"type":"waived".*upstream bug #7/);
    expect(of('other')?.outcome).toBe('FAILED');

    const deploy = of('deploy');
    expect([deploy?.outcome, deploy?.testVerdict]).toEqual(['GREEN-BUT-PROMOTE-FAILED', 'green']);
    expect((await verdicts(s, 'deploy')).at(-1)).toMatchObject({ outcome: 'GREEN-BUT-PROMOTE-FAILED', final: true, reason: 'deploy-failed' });

    const prom = (await s.canon(['report', '--format', 'prom'])).stdout;
    const on = prom.split('\n').filter((l) => l.startsWith('canon_recipe_test_verdict{') && l.endsWith(' 1'));
    for (const [recipe, verdict] of [['flaky', 'flaky'], ['held', 'flaky'], ['reg', 'regression'], ['always', 'always-failed'], ['deploy', 'green']]) {
      expect(on).toContain(`canon_recipe_test_verdict{recipe="${recipe}",verdict="${verdict}"} 1`);
    }
    const md = (await s.canon(['report', '--format', 'md'])).stdout;
    expect(md).toMatch(/## reg — FAILED[\s\S]*?- \*\*Test verdict:\*\* regression: 1\.1\.0\+1 FAILED \S+ ago \(run \S+\); attempts: exit 1 in [^,]+, exit 1 in /);
  });

  it('a final promote failure is not re-tested; a fixed deploy (changed promote settings) re-tries it', async () => {
    const before = await testsOf(s, 'deploy');
    expect((await s.canon(['sweep', '--recipe', 'deploy'])).code).toBe(0);
    expect((await entry(s, 'deploy')).decision?.reason).toBe('known-failed');
    expect(await testsOf(s, 'deploy')).toEqual(before);
    s.warm.configure('warm-deploy.ci.test', { failDeployVersions: [] });
    await s.writeConfig({ defaults: { test: { baseline: 'on-red', retries: 1 } }, recipes: { deploy: { promote: { env: { FIXED: '1' } } } } });
    const fixed = await s.canon(['sweep', '--recipe', 'deploy']);
    expect([(await entry(s, 'deploy')).outcome, (await entry(s, 'deploy')).detail]).toEqual(['PROMOTED', expect.any(String)]);
    expect(fixed.code).toBe(0);
    expect(await testsOf(s, 'deploy')).toEqual([...before, '1.1.0+1']);
  });
});
