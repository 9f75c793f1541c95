import { describe, expect, it } from 'vitest';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { HollowSweepError, SweepError } from './errors.js';
import { versionOfTag } from '@canon/trigger';
import { exitCodeOfOutcomes } from './recipe-run.js';
import { repoPathOf } from './remotes.js';
import { assertNotHollow, selectRecipes } from './select.js';

function recipe(name: string, enrolled = true): ResolvedRecipe {
  return {
    name, enrolled, reason: enrolled ? null : 'not ours', upstream: `https://up.example/${name}.git`,
    mirror: `https://git.example/ci-mirrors/${name}.git`, branch: 'HEAD', busyCheck: null,
    test: { command: ['true'], timeoutSeconds: 1, env: {}, revision: null, retries: 0, flaky: 'promote', baseline: null, cwd: '{checkout}', checkoutDir: null, timeoutExitCodes: [] },
    promote: null, block: [], waive: [],
    hold: { major: false, appMajor: false }, dependsOn: null,
  };
}

const config = { path: '/etc/canon/config.json', recipes: [recipe('alpha'), recipe('beta'), recipe('keycloak', false)] } as ResolvedConfig;

describe('selectRecipes', () => {
  it('takes every recipe without --recipe, and only the named ones with it', () => {
    expect(selectRecipes(config, []).map((r) => r.name)).toEqual(['alpha', 'beta', 'keycloak']);
    expect(selectRecipes(config, ['beta']).map((r) => r.name)).toEqual(['beta']);
  });

  it('names every unknown recipe at once', () => {
    try {
      selectRecipes(config, ['gamma', 'alpha', 'delta']);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SweepError);
      expect((e as SweepError).code).toBe('UNKNOWN_RECIPE');
      expect((e as SweepError).message).toContain('"gamma", "delta"');
    }
  });
});

describe('assertNotHollow', () => {
  it('accepts a selection with an enrolled recipe', () => {
    expect(() => assertNotHollow(config, config.recipes)).not.toThrow();
  });
  it.each([[[]], [[recipe('keycloak', false)]]])('refuses a selection with none enrolled (%#)', (sel) => {
    expect(() => assertNotHollow(config, sel)).toThrow(HollowSweepError);
  });
});

describe('run labels', () => {
  it.each([
    [['PROMOTED', 'SKIPPED'], 0],
    [[], 0],
    [['PROMOTED', 'FAILED'], 1],
    [['SKIPPED', null], 1],
    [['GREEN-BUT-PROMOTE-FAILED'], 1],
  ] as const)('exit code of %j is %i', (outcomes, code) => {
    expect(exitCodeOfOutcomes(outcomes)).toBe(code);
  });

  it.each([
    ['3.6.0+1.24.2-rootless', '3.6.0+1.24.2-rootless'],
    ['v1.2.3', '1.2.3'],
  ])('version of tag %s is %s', (tag, version) => {
    expect(versionOfTag(tag)).toBe(version);
  });

  it.each([
    ['https://git.example.org/ci-mirrors/gitea.git', { owner: 'ci-mirrors', repo: 'gitea' }],
    ['http://127.0.0.1:3000/ci-mirrors/custom-html', { owner: 'ci-mirrors', repo: 'custom-html' }],
    ['git@git.example.org:ci-mirrors/gitea.git', { owner: 'ci-mirrors', repo: 'gitea' }],
    ['ssh://git@git.example.org:2222/ci-mirrors/gitea.git', { owner: 'ci-mirrors', repo: 'gitea' }],
    ['https://git.example.org/gitea.git', null],
  ])('forge repository of %s', (url, want) => {
    expect(repoPathOf(url)).toEqual(want);
  });
});
