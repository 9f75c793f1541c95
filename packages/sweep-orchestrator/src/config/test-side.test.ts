import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadConfig } from './load-config.js';
import type { ResolvedConfig } from './types.js';

const base = {
  defaults: {
    upstream: 'https://git.coopcloud.tech/coop-cloud/{recipe}.git',
    mirror: 'https://git.example.org/ci-mirrors/{recipe}.git',
    test: { command: ['run-recipe-ci', '{recipe}'] },
    promote: { domain: 'warm-{recipe}.ci.example.org', deploy: ['abra', 'app', 'deploy', '{domain}', '{version}'] },
  },
  recipes: { 'custom-html': {} },
};

function load(config: unknown): Promise<ResolvedConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'canon-config-'));
  const path = join(dir, 'canon.config.json');
  writeFileSync(path, JSON.stringify(config));
  return loadConfig({ flag: path, env: {}, cwd: '/' });
}

async function problemsOf(config: unknown): Promise<string[]> {
  const error = await load(config).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).data.errors.map((e) => `${e.path}: ${e.message}`);
}

const withRecipe = (settings: object) => ({ ...base, recipes: { 'custom-html': settings } });

describe('test.cwd, test.checkoutDir, test.timeoutExitCodes and promote.by', () => {
  it('default to the checkout, <workDir>/checkouts/{recipe}, no timeout codes and canon promoting', async () => {
    const [recipe] = (await load(base)).recipes;
    expect(recipe?.test).toMatchObject({ cwd: '{checkout}', checkoutDir: null, timeoutExitCodes: [] });
    expect(recipe?.promote?.by).toBe('canon');
  });

  it("take cc-ci's values: the runner's checkout as cwd, the staged abra clone, exit 142, the runner promoting", async () => {
    const [recipe] = (await load(withRecipe({
      test: { cwd: '/etc/cc-ci', checkoutDir: '/root/.abra/recipes/{recipe}', timeoutExitCodes: [142] },
      promote: { by: 'test' },
    }))).recipes;
    expect(recipe?.test).toMatchObject({ cwd: '/etc/cc-ci', checkoutDir: '/root/.abra/recipes/{recipe}', timeoutExitCodes: [142] });
    expect(recipe?.promote?.by).toBe('test');
  });

  it('need no deploy command when the test promotes, but do when canon does', async () => {
    const noDeploy = { promote: { domain: 'warm-{recipe}.ci.example.org' } };
    const delegated = await load({ ...base, defaults: { ...base.defaults, ...noDeploy }, recipes: { 'custom-html': { promote: { by: 'test' } } } });
    expect(delegated.recipes[0]?.promote?.deploy).toEqual([]);
    expect(await problemsOf({ ...base, defaults: { ...base.defaults, ...noDeploy } })).toEqual([
      'recipes.custom-html.promote.deploy: required; set it here or in defaults.promote.deploy',
    ]);
  });

  it.each<[string, object, RegExp]>([
    ['a checkoutDir with a per-release placeholder', { test: { checkoutDir: '/co/{version}' } }, /^recipes\.custom-html\.test\.checkoutDir: unknown placeholder \{version\}; allowed here: \{recipe\}$/],
    ['an empty checkoutDir', { test: { checkoutDir: '' } }, /^recipes\.custom-html\.test\.checkoutDir: must not be empty$/],
    ['an empty cwd', { test: { cwd: '' } }, /^recipes\.custom-html\.test\.cwd: must not be empty$/],
    ['a timeout code that no process can exit with', { test: { timeoutExitCodes: [256] } }, /^recipes\.custom-html\.test\.timeoutExitCodes\[0\]: /],
    ['an unknown promoter', { promote: { by: 'runner' } }, /^recipes\.custom-html\.promote\.by: .*"canon".*"test"/],
  ])('refuse %s, naming its JSON path', async (_what, settings, message) => {
    expect(await problemsOf(withRecipe(settings))).toEqual([expect.stringMatching(message)]);
  });

  it('refuse rollback with promote.by "test", also when rollback comes from defaults', async () => {
    const problem = 'recipes.custom-html.promote.rollback: not allowed with promote.by "test": canon deploys nothing it could roll back; the test command promotes by itself; remove it here (or in defaults) or set promote.by "canon"';
    expect(await problemsOf(withRecipe({ promote: { by: 'test', rollback: true } }))).toEqual([problem]);
    expect(await problemsOf({ ...base, defaults: { ...base.defaults, promote: { ...base.defaults.promote, rollback: true } }, recipes: { 'custom-html': { promote: { by: 'test' } } } })).toEqual([problem]);
    expect((await load(withRecipe({ promote: { by: 'test', rollback: false } }))).recipes[0]?.promote?.rollback).toBe(false);
  });
});
