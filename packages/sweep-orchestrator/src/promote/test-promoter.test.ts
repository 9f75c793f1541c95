import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedCiWarmRegistry } from '@canon/testkit';
import { openRegistry, type CanonicalView, type Registry } from '@canon/warm-registry';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedRecipe } from '../config/index.js';
import type { PromoteRequest } from './promoter.js';
import { canonicalChangedProblem, createTestPromoter } from './test-promoter.js';

const OLD = '3.0.0+1.27.2';
const NEW = '3.1.0+1.27.2';
const TAG = 'a'.repeat(40);
const MERGE = 'b'.repeat(40);
const OLD_COMMIT = 'c'.repeat(40);
const DOMAIN = 'warm-custom-html.ci.commoninternet.net';

const recipe = {
  name: 'custom-html', enrolled: true, reason: null, upstream: 'https://up.example/custom-html.git',
  mirror: 'https://git.example/ci-mirrors/custom-html.git', branch: 'HEAD', busyCheck: null,
  test: { command: ['cc-ci-run'], timeoutSeconds: 60, env: {}, cwd: '{checkout}', checkoutDir: null, timeoutExitCodes: [142], revision: null, retries: 0, flaky: 'promote', baseline: null },
  promote: {
    domain: DOMAIN, deploy: [], teardown: null, verify: null, snapshot: null, park: null, volumeSize: null,
    health: { url: 'https://{domain}/', expectStatus: [200], rejectBodyPattern: null, timeoutSeconds: 1, intervalSeconds: 1, also: [] },
    timeoutSeconds: 60, rollback: false, env: {}, by: 'test', mode: 'warm', backup: null, restore: null, locks: [], lockWaitSeconds: 0, snapshotAfterPark: false,
  },
  block: [], waive: [], hold: { major: false, appMajor: false }, dependsOn: null,
} satisfies ResolvedRecipe;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// A ci-warm registry holding the record the old sweep left: OLD at its tag's commit.
async function registryWithOld(): Promise<{ registry: Registry; warmRoot: string; stateDir: string; before: CanonicalView }> {
  const root = mkdtempSync(join(tmpdir(), 'canon-test-promoter-'));
  dirs.push(root);
  const warmRoot = join(root, 'ci-warm');
  const stateDir = join(root, 'state');
  await seedCiWarmRegistry(warmRoot, [{ recipe: recipe.name, version: OLD, commit: OLD_COMMIT, ts: '20260617T050314Z', snapshot: false }]);
  const registry = openRegistry({ stateDir, registryDir: warmRoot, registryFormat: 'ci-warm' });
  return { registry, warmRoot, stateDir, before: must(await registry.readCanonical(recipe.name)) };
}

function must<T>(v: T | null): T {
  if (v === null) throw new Error('expected a record');
  return v;
}

const compact = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');

// What the runner writes on its own promote: cc-ci's shape, whole-second ts.
const runnerWrites = (warmRoot: string, over: { version?: string; commit?: string; at: Date; lastGood?: string | null }) =>
  seedCiWarmRegistry(warmRoot, [{
    recipe: recipe.name, version: over.version ?? NEW, commit: over.commit ?? TAG, ts: compact(over.at),
    snapshot: false, ...(over.lastGood === undefined ? {} : { lastGood: over.lastGood }),
  }]);

function request(before: CanonicalView, testStartedAt: Date): PromoteRequest {
  return {
    recipe, tested: { version: NEW, tag: NEW, commit: TAG, checkout: '/root/.abra/recipes/custom-html' },
    upgradeBase: OLD, canonicalBefore: before, runId: '20261201T030000Z-1a2b', runDir: '/tmp/none', testStartedAt,
  };
}

describe('createTestPromoter (promote.by "test")', () => {
  it('accepts a record the test wrote in the same second it started (ci-warm ts has whole seconds), appends history', async () => {
    const { registry, warmRoot, stateDir, before } = await registryWithOld();
    const started = new Date(Math.floor(Date.now() / 1000) * 1000 + 700);
    await runnerWrites(warmRoot, { at: new Date(started.getTime() - 700) });
    const result = await createTestPromoter({ registry }).promote(request(before, started));
    expect(result).toMatchObject({ ok: true, reason: null, warnings: [], recordedByTest: { version: NEW, commit: TAG } });
    const history = readFileSync(join(stateDir, 'recipes', recipe.name, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(history).toEqual([expect.objectContaining({ type: 'promoted', version: NEW, commit: TAG, previous: { version: OLD, commit: OLD_COMMIT }, domain: DOMAIN })]);
  });

  it('repairs a last_good the runner left behind canonical.json, with a warning', async () => {
    const { registry, warmRoot, before } = await registryWithOld();
    const started = new Date(Date.now() - 2000);
    await runnerWrites(warmRoot, { at: new Date(), lastGood: `${OLD}\n` });
    const result = await createTestPromoter({ registry }).promote(request(before, started));
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([expect.stringMatching(/^last_good did not follow canonical.json and was repaired/)]);
    expect(readFileSync(join(warmRoot, recipe.name, 'last_good'), 'utf8')).toBe(`${NEW}\n`);
  });

  it.each<[string, (warmRoot: string, started: Date) => Promise<void>, string, RegExp]>([
    ['an untouched record (the runner\'s promote failed)', async () => {}, 'not-recorded', /still holds 3\.0\.0\+1\.27\.2 .* written before the test started/],
    ['a record older than the test', (w, started) => runnerWrites(w, { at: new Date(started.getTime() - 5000) }), 'not-recorded', /written before the test started/],
    ['another version', (w) => runnerWrites(w, { version: '3.2.0+1.27.2', at: new Date() }), 'version-mismatch', /holds version 3\.2\.0\+1\.27\.2, not the tested 3\.1\.0\+1\.27\.2/],
    ['a merge commit', (w) => runnerWrites(w, { commit: MERGE, at: new Date() }), 'commit-mismatch', new RegExp(`holds commit ${MERGE} \\(a merge commit\\?\\), not the tag's ${TAG}`)],
  ])('refuses %s: GREEN-BUT-PROMOTE-FAILED material, nothing written but history', async (_what, act, reason, detail) => {
    const { registry, warmRoot, stateDir, before } = await registryWithOld();
    const started = new Date(Date.now() - 2000);
    await act(warmRoot, started);
    const bytes = readFileSync(join(warmRoot, recipe.name, 'canonical.json'), 'utf8');
    const result = await createTestPromoter({ registry }).promote(request(before, started));
    expect(result).toMatchObject({ ok: false, reason, detail: expect.stringMatching(detail) });
    expect(result.recordedByTest).toBeUndefined();
    expect(readFileSync(join(warmRoot, recipe.name, 'canonical.json'), 'utf8')).toBe(bytes);
    const history = readFileSync(join(stateDir, 'recipes', recipe.name, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(history).toEqual([expect.objectContaining({ type: 'advance-failed', detail: expect.stringMatching(new RegExp(`^${reason}: `)) })]);
  });
});

describe('canonicalChangedProblem', () => {
  it('is null while the record is as it was before the test', async () => {
    const { registry, before } = await registryWithOld();
    expect(await canonicalChangedProblem(registry, recipe.name, before, false)).toBeNull();
  });

  it('names a record a failed run wrote', async () => {
    const { registry, warmRoot, before } = await registryWithOld();
    await runnerWrites(warmRoot, { at: new Date() });
    expect(await canonicalChangedProblem(registry, recipe.name, before, false)).toMatch(
      /^the test command changed the canonical on a failed run: it wrote 3\.1\.0\+1\.27\.2 at aaaaaaaaaaaa/,
    );
  });
});
