import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitServer, WarmHost } from '@canon/testkit';
import { commit, createBareRepo, startGitServer, startWarmHost } from '@canon/testkit';
import { openRegistry } from '@canon/warm-registry';
import type { Registry } from '@canon/warm-registry';
import { resolveConfig } from '../config/index.js';
import type { ResolvedConfig } from '../config/index.js';
import type { PromoteRequest, PromoteResult } from '../promote/promoter.js';
import { createPromoter } from '../promote/live-promoter.js';

// OLD.commit is real: each recipe's mirror holds it (a rollback checks out the recorded
// commit), written with a fixed date so that its oid is the same in every run.
export const OLD = { version: '1.0.0+1.20', tag: '1.0.0+1.20', commit: 'e963b85e9480676407d67389108b649962be69be' };
export const NEW = { version: '1.1.0+1.21', tag: '1.1.0+1.21', commit: 'b'.repeat(40) };
export const RUN_ID = '20261127T031500Z-test';

export type PromoteFixture = {
  host: WarmHost;
  dir: string;
  stateDir: string;
  registry: Registry;
  /** A config whose promote commands are fake-abra calls against the fixture's warm host. */
  configWith(promote?: Record<string, unknown>): Promise<ResolvedConfig>;
  /** Promotes NEW for `recipe` over whatever canonical the registry holds (`promote.mode` picks warm or live). */
  promote(config: ResolvedConfig, recipe?: string, extra?: Partial<PromoteRequest> & { registry?: Registry }): Promise<PromoteResult>;
  canonicalFile(recipe: string): string;
  promoteLog(recipe: string): string;
  /** A warm canonical from an earlier run: OLD recorded and deployed; returns the record's bytes. */
  haveCanonical(recipe?: string): Promise<Buffer>;
  close(): Promise<void>;
};

const FIXTURE_RECIPES = ['alpha', 'keycloak'];

/** A git server whose `ci/<recipe>` mirrors hold OLD's commit. */
async function startMirrors(root: string): Promise<GitServer> {
  const server = await startGitServer({ root });
  for (const recipe of FIXTURE_RECIPES) {
    const repo = await createBareRepo(root, `ci/${recipe}`);
    const oid = await commit(repo, { files: { VERSION: `${OLD.version}\n` }, message: `Release ${OLD.version}`, date: '1700000000 +0000', parents: [] });
    if (oid !== OLD.commit) throw new Error(`the fixture's mirror commit is ${oid}, expected OLD.commit ${OLD.commit}: git wrote it differently; update OLD.commit`);
  }
  return server;
}

/** A warm host, a mirror, a state directory and a registry for one promote test. */
export async function createPromoteFixture(): Promise<PromoteFixture> {
  const host = await startWarmHost();
  const dir = mkdtempSync(join(tmpdir(), 'canon-promote-'));
  const mirrors = await startMirrors(join(dir, 'git'));
  // workDir exists on a real host; busyCheck runs in it.
  mkdirSync(join(dir, 'cache'));
  const stateDir = join(dir, 'state');
  const registry = openRegistry({ stateDir });
  const canonicalFile = (recipe: string) => join(stateDir, 'registry', recipe, 'canonical.json');
  const abra = (...args: string[]) => [host.fakeAbra, ...args];
  return {
    host,
    dir,
    stateDir,
    registry,
    canonicalFile,
    promoteLog: (recipe) => join(stateDir, 'runs', RUN_ID, recipe, 'promote.log'),
    configWith: (promote = {}) =>
      resolveConfig(
        {
          stateDir: 'state',
          // Checkouts (the rollback's `<recipe>@previous`) stay inside the test's own directory.
          workDir: 'cache',
          killGraceSeconds: 1,
          protectedDomains: ['warm-keycloak.test'],
          defaults: {
            upstream: 'https://git.example.org/up/{recipe}.git',
            mirror: mirrors.url('ci/{recipe}'),
            test: { command: ['true'] },
            promote: {
              domain: 'warm-{recipe}.test',
              deploy: abra('deploy', '{domain}', '{version}'),
              teardown: abra('teardown', '{domain}'),
              verify: abra('verify', '{domain}'),
              health: { url: host.healthUrlTemplate, rejectBodyPattern: '404 page not found', timeoutSeconds: 1.5, intervalSeconds: 0.1 },
              snapshot: abra('snapshot', '{domain}', '{version}'),
              park: abra('park', '{domain}'),
              volumeSize: abra('volume-size', '{domain}'),
              timeoutSeconds: 30,
              rollback: true,
              env: { WARM_HOST_URL: host.url },
              ...promote,
            },
          },
          recipes: Object.fromEntries(FIXTURE_RECIPES.map((r) => [r, {}])),
        },
        { path: join(dir, 'canon.config.json'), env: {} },
      ),
    promote: async (config, recipe = 'alpha', { registry: own, ...extra } = {}) => {
      const checkout = join(dir, 'work', recipe);
      mkdirSync(checkout, { recursive: true });
      const resolved = config.recipes.find((r) => r.name === recipe);
      if (resolved === undefined) throw new Error(`no recipe ${recipe} in the fixture config`);
      return createPromoter({ config, registry: own ?? registry }).promote({
        recipe: resolved,
        runId: RUN_ID,
        runDir: join(stateDir, 'runs', RUN_ID),
        tested: { ...NEW, checkout },
        upgradeBase: null,
        canonicalBefore: await registry.readCanonical(recipe),
        ...extra,
      });
    },
    haveCanonical: async (recipe = 'alpha') => {
      await registry.writeCanonical({
        schema: 1,
        recipe,
        ...OLD,
        status: 'canonical',
        ts: '2026-11-20T03:15:00.000Z',
        domain: `warm-${recipe}.test`,
        runId: '20261120T031500Z-old',
        previous: null,
      });
      host.setDeployed(`warm-${recipe}.test`, OLD.version);
      return readFileSync(canonicalFile(recipe));
    },
    close: async () => {
      await host.close();
      await mirrors.close();
    },
  };
}
