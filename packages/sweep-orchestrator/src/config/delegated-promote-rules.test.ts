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
    test: { command: ['cc-ci-run', '/etc/cc-ci/runner/run_recipe_ci.py'] },
    promote: { by: 'test', domain: 'warm-{recipe}.ci.example.org' },
  },
  recipes: { 'custom-html': {} },
};

function load(config: unknown): Promise<ResolvedConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'canon-delegated-'));
  const path = join(dir, 'canon.config.json');
  writeFileSync(path, JSON.stringify(config));
  return loadConfig({ flag: path, env: {}, cwd: '/' });
}

async function problemsOf(config: unknown): Promise<{ path: string; message: string }[]> {
  const error = await load(config).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).data.errors;
}

const lock = '/run/lock/cc-ci-app-{domain}.lock';
const waiver = { version: '1.0.0+1', reason: 'known flaky upstream', expires: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) };

describe('promote.by "test" refuses what the promoting test command would undo', () => {
  it.each<[string, object, string]>([
    ['rollback: true', { promote: { rollback: true } }, 'recipes.custom-html.promote.rollback'],
    ['mode: "live"', { promote: { mode: 'live', backup: ['abra', 'app', 'backup', '{domain}'] } }, 'recipes.custom-html.promote.mode'],
    ['promote.locks', { promote: { locks: [lock] } }, 'recipes.custom-html.promote.locks'],
    ['test.flaky: "hold"', { test: { flaky: 'hold' } }, 'recipes.custom-html.test.flaky'],
    ['test.baseline: "on-red"', { test: { baseline: 'on-red' } }, 'recipes.custom-html.test.baseline'],
    ['a waiver', { waive: [waiver] }, 'recipes.custom-html.waive'],
  ])('%s on the recipe: one problem at its JSON path naming promote.by', async (_what, own, path) => {
    expect(await problemsOf({ ...base, recipes: { 'custom-html': own } })).toEqual([
      { path, message: expect.stringMatching(/^not allowed with promote\.by "test": .+; remove it here \(or in defaults\) or set promote\.by "canon"$/) },
    ]);
  });

  it.each<[string, object, string]>([
    ['promote.locks', { promote: { ...base.defaults.promote, locks: [lock] } }, 'recipes.custom-html.promote.locks'],
    ['test.flaky: "hold"', { test: { ...base.defaults.test, flaky: 'hold' } }, 'recipes.custom-html.test.flaky'],
    ['test.baseline: "on-red"', { test: { ...base.defaults.test, baseline: 'on-red' } }, 'recipes.custom-html.test.baseline'],
  ])('%s inherited from defaults is named at the recipe that merges it', async (_what, defaults, path) => {
    expect((await problemsOf({ ...base, defaults: { ...base.defaults, ...defaults } })).map((p) => p.path)).toEqual([path]);
  });

  it('the same settings load on a recipe canon promotes, and their neutral values load with by "test"', async () => {
    const canon = { by: 'canon', deploy: ['abra', 'app', 'deploy', '{domain}', '{version}'], locks: [lock], rollback: true };
    const config = await load({
      ...base,
      recipes: {
        'custom-html': { test: { flaky: 'promote', baseline: null }, promote: { locks: [], rollback: false, mode: 'warm' }, waive: [] },
        traefik: { test: { flaky: 'hold', baseline: 'on-red' }, promote: { ...canon, mode: 'live', backup: ['abra', 'app', 'backup', '{domain}'] }, waive: [waiver] },
      },
    });
    expect(config.recipes.map((r) => [r.name, r.promote?.by, r.promote?.locks])).toEqual([
      ['custom-html', 'test', []],
      ['traefik', 'canon', [lock]],
    ]);
  });

  it('execution.mode "queue" is refused at execution.mode, naming the recipes the test command promotes', async () => {
    const queue = { mode: 'queue', redis: { url: 'redis://127.0.0.1:6379' } };
    const canonOnly = { ...base, defaults: { ...base.defaults, promote: { domain: 'warm-{recipe}.ci.example.org', deploy: ['abra', 'app', 'deploy', '{domain}'] } } };
    expect(await problemsOf({ ...base, recipes: { 'custom-html': {}, gitea: {} }, execution: queue })).toEqual([
      { path: 'execution.mode', message: expect.stringMatching(/^"queue" is not allowed with promote\.by "test" \(recipes custom-html, gitea\): .+set execution\.mode "local", or promote\.by "canon" for them$/) },
    ]);
    expect((await load({ ...canonOnly, execution: queue })).execution.mode).toBe('queue');
    expect((await load({ ...base, execution: { mode: 'local' } })).execution.mode).toBe('local');
  });
});
