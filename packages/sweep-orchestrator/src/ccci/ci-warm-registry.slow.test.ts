// canon's registry code against the cc-ci host stand-in: what canon writes in ci-warm format stays
// readable by cc-ci's Python, and canon reads what cc-ci's runner wrote (issue 12).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRegistry } from '@canon/warm-registry';
import { createCcciHost, createRecipeRepo, type CcciHost, type RecipeRepo } from '@canon/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const OLD = '1.0.0+1.25.0';
const NEW = '1.1.0+1.26.0';
let root: string;
let repo: RecipeRepo;
let host: CcciHost;
const commitOf = (version: string) => repo.tags.find((t) => t.name === version)?.commit ?? '';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'canon-ccci-registry-'));
  repo = await createRecipeRepo({ root, name: 'upstream/alpha', releases: [OLD, NEW] });
  host = await createCcciHost({ recipes: { alpha: {} } });
  await host.seedRegistry([
    { recipe: 'custom-html', version: OLD, commit: commitOf(OLD) },
    { recipe: 'gitea', version: '3.6.0+1.24.2-rootless', commit: 'c'.repeat(40), domain: null, snapshot: false },
  ]);
});
afterAll(async () => {
  await host.close();
  rmSync(root, { recursive: true, force: true });
});

describe('registryFormat "ci-warm" on a cc-ci registry', () => {
  it("reads cc-ci's records, and everything canon writes keeps the registry readable by cc-ci", async () => {
    const stateDir = mkdtempSync(join(root, 'state-'));
    const registry = openRegistry({ stateDir, registryDir: host.warmRoot, registryFormat: 'ci-warm' });
    expect(await registry.readCanonical('gitea')).toMatchObject({ domain: null, legacy: true, status: 'idle' });
    expect(await registry.readCanonical('never-promoted')).toBeNull();
    await registry.appendHistory('never-promoted', { type: 'seed-failed', ts: new Date().toISOString(), runId: 'r', version: OLD, commit: commitOf(OLD) });
    expect(readdirSync(host.warmRoot).sort()).toEqual(['custom-html', 'gitea']);

    await registry.writeCanonical({
      schema: 1, recipe: 'custom-html', version: NEW, tag: NEW, commit: commitOf(NEW), status: 'canonical',
      ts: new Date().toISOString(), domain: host.warmDomain('custom-html'), runId: '20261201T030000Z-0001',
      previous: { version: OLD, commit: commitOf(OLD) },
    });
    const seen = await host.readRegistry();
    expect(seen['custom-html']).toMatchObject({ version: NEW, commit: commitOf(NEW), status: 'idle', last_good: `${NEW}\n` });
    expect(seen.gitea).toMatchObject({ version: '3.6.0+1.24.2-rootless', domain: null });
  });

  it("reads the runner's own promotion and mends a last_good a crash left behind", async () => {
    await host.stage('alpha', repo.path, NEW);
    expect((await host.runRunner('alpha')).code).toBe(0);
    const registry = openRegistry({ stateDir: mkdtempSync(join(root, 'state-')), registryDir: host.warmRoot, registryFormat: 'ci-warm' });
    const view = await registry.readCanonical('alpha');
    expect(view).toMatchObject({ version: NEW, tag: NEW, commit: commitOf(NEW), status: 'idle', domain: host.warmDomain('alpha'), legacy: true });
    expect(Date.parse(view?.ts ?? '')).toBeGreaterThan(Date.now() - 120_000);
    expect(await registry.repairLastGood('alpha')).toEqual({ status: 'ok', recipe: 'alpha', version: NEW });
    writeFileSync(join(host.warmRoot, 'alpha', 'last_good'), `${OLD}\n`);
    await expect(host.readRegistry()).rejects.toThrow(/lags canonical.json/);
    expect(await registry.repairLastGood('alpha')).toMatchObject({ status: 'repaired', found: `${OLD}\n` });
    expect((await host.readRegistry()).alpha?.last_good).toBe(`${NEW}\n`);
    expect(readFileSync(join(host.warmRoot, 'alpha', 'snapshot', 'meta.json'), 'utf8')).toContain(NEW);
  });
});
