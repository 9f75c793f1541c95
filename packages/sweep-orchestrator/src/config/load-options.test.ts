import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadConfig } from './load-config.js';

function writeConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'canon-config-'));
  const path = join(dir, 'canon.config.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

const base = {
  defaults: {
    upstream: 'https://git.coopcloud.tech/coop-cloud/{recipe}.git',
    mirror: 'https://git.example.org/ci-mirrors/{recipe}.git',
    test: { command: ['run-recipe-ci', '{recipe}'], failurePattern: '^not ok ' },
  },
  recipes: { 'custom-html': {}, gitea: { test: { failurePattern: 'FAIL' } }, plain: { test: { command: ['t'] } } },
  forge: { type: 'gitea', url: 'https://git.example.org', tokenEnv: 'FORGE_TOKEN' },
  webhook: { secretFile: 'absent-secret' },
};

describe('loadConfig with secrets: false (status, report, history)', () => {
  it('reads neither the forge token nor the webhook secret, so an unset one is no error', async () => {
    const path = writeConfig(base);
    const withSecrets = await loadConfig({ flag: path, env: {}, cwd: '/' }).catch((e: unknown) => e);
    expect(withSecrets).toBeInstanceOf(ConfigError);
    const config = await loadConfig({ flag: path, env: {}, cwd: '/' }, { secrets: false });
    expect(config.forge).toBeNull();
    expect(config.webhook).toBeNull();
    expect(config.recipes.map((r) => r.name)).toEqual(['custom-html', 'gitea', 'plain']);
  });

  it('still refuses a config that is invalid for another reason', async () => {
    const path = writeConfig({ ...base, stateDirr: '/x' });
    const error = await loadConfig({ flag: path, env: {}, cwd: '/' }, { secrets: false }).catch((e: unknown) => e);
    expect((error as ConfigError).data.errors).toEqual([{ path: 'stateDirr', message: 'unknown key' }]);
  });
});

describe('test.failurePattern', () => {
  it('is inherited and overridden like any test setting; absent means null', async () => {
    const config = await loadConfig({ flag: writeConfig(base), env: {}, cwd: '/' }, { secrets: false });
    expect(Object.fromEntries(config.recipes.map((r) => [r.name, r.failurePattern]))).toEqual({
      'custom-html': '^not ok ', gitea: 'FAIL', plain: '^not ok ',
    });
    const bare = { ...base, defaults: { ...base.defaults, test: { command: ['t'] } }, recipes: { 'custom-html': {} } };
    const none = await loadConfig({ flag: writeConfig(bare), env: {}, cwd: '/' }, { secrets: false });
    expect(none.recipes.every((r) => r.failurePattern === null)).toBe(true);
  });

  it('refuses a pattern that is not a regular expression, naming its path', async () => {
    const path = writeConfig({ ...base, recipes: { gitea: { test: { failurePattern: '(' } } } });
    const error = await loadConfig({ flag: path, env: {}, cwd: '/' }, { secrets: false }).catch((e: unknown) => e);
    expect((error as ConfigError).data.errors.map((e) => e.path)).toEqual(['recipes.gitea.test.failurePattern']);
  });
});
