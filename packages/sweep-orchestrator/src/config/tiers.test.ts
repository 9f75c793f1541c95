import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadConfig } from './load-config.js';

const base = {
  defaults: {
    upstream: 'https://git.coopcloud.tech/coop-cloud/{recipe}.git',
    mirror: 'https://git.example.org/ci-mirrors/{recipe}.git',
    test: { command: ['run-recipe-ci', '{recipe}'] },
    promote: { domain: 'warm-{recipe}.ci.example.org', deploy: ['abra', 'app', 'deploy', '{domain}', '{version}'] },
  },
  recipes: { traefik: {}, keycloak: {}, gitea: {}, old: { enrolled: false } },
};

async function load(config: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'canon-tiers-'));
  const path = join(dir, 'canon.config.json');
  writeFileSync(path, JSON.stringify(config));
  return loadConfig({ flag: path, env: {}, cwd: '/' });
}

async function problemsOf(config: unknown): Promise<string[]> {
  const error = await load(config).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).data.errors.map((e) => `${e.path}: ${e.message}`);
}

describe('tiers, dependsOn, hold and promote.mode in the config', () => {
  it('defaults to one tier holding every recipe, no hold and warm mode', async () => {
    const config = await load(base);
    expect(config.tiers).toEqual([{ name: 'default', recipes: ['gitea', 'keycloak', 'old', 'traefik'] }]);
    const gitea = config.recipes.find((r) => r.name === 'gitea');
    expect(gitea).toMatchObject({ hold: { major: false, appMajor: false }, dependsOn: null, promote: { mode: 'warm', backup: null, restore: null, rollback: false, health: { also: [] } } });
  });

  it('"*" takes every recipe no other tier names, in order after the named tiers', async () => {
    const config = await load({ ...base, tiers: [{ name: 'proxy', recipes: ['traefik'] }, { name: 'idp', recipes: ['keycloak'] }, { name: 'apps', recipes: '*' }] });
    expect(config.tiers).toEqual([
      { name: 'proxy', recipes: ['traefik'] },
      { name: 'idp', recipes: ['keycloak'] },
      { name: 'apps', recipes: ['gitea', 'old'] },
    ]);
  });

  it('without "*" an enrolled recipe in no tier is an error; one not enrolled joins the first tier', async () => {
    expect(await problemsOf({ ...base, tiers: [{ name: 'infra', recipes: ['traefik', 'keycloak'] }] })).toEqual([
      'recipes.gitea: enrolled recipe "gitea" is in no tier; add it to one, or add a tier with "recipes": "*"',
    ]);
    const config = await load({ ...base, tiers: [{ name: 'infra', recipes: ['traefik', 'keycloak'] }, { name: 'apps', recipes: ['gitea'] }] });
    expect(config.tiers[0]).toEqual({ name: 'infra', recipes: ['keycloak', 'old', 'traefik'] });
  });

  it('names an unknown recipe, a recipe in two tiers, two "*" tiers and a repeated tier name', async () => {
    expect(
      await problemsOf({
        ...base,
        tiers: [{ name: 'a', recipes: ['traefik', 'nope'] }, { name: 'b', recipes: ['traefik'] }, { name: 'a', recipes: '*' }, { name: 'c', recipes: '*' }],
      }),
    ).toEqual([
      'tiers[0].recipes[1]: "nope" is not a recipe in "recipes"',
      'tiers[1].recipes[0]: "traefik" is already in tier "a"; a recipe belongs to one tier',
      'tiers[2].name: tier "a" is also tier 0; tier names must be unique',
      'tiers[3].recipes: tier 2 is already "*"; only one tier may take the rest',
    ]);
  });

  it('dependsOn must name recipes of earlier tiers', async () => {
    const tiers = [{ name: 'infra', recipes: ['traefik', 'keycloak'] }, { name: 'apps', recipes: '*' }];
    const ok = await load({ ...base, tiers, recipes: { ...base.recipes, gitea: { dependsOn: ['keycloak'] } } });
    expect(ok.recipes.find((r) => r.name === 'gitea')?.dependsOn).toEqual(['keycloak']);
    expect(await problemsOf({ ...base, tiers, recipes: { ...base.recipes, gitea: { dependsOn: ['old', 'ghost'] }, traefik: { dependsOn: ['keycloak'] } } })).toEqual([
      'recipes.gitea.dependsOn[0]: "old" is in tier "apps", not in a tier before "apps"',
      'recipes.gitea.dependsOn[1]: "ghost" is not a recipe in "recipes"',
      'recipes.traefik.dependsOn[0]: "keycloak" is in tier "infra", not in a tier before "infra"',
    ]);
    expect(await problemsOf({ ...base, defaults: { ...base.defaults, dependsOn: ['traefik'] } })).toEqual(['defaults.dependsOn: unknown key']);
  });

  it('hold merges per recipe over defaults', async () => {
    const config = await load({ ...base, defaults: { ...base.defaults, hold: { major: true } }, recipes: { ...base.recipes, keycloak: { hold: { appMajor: true } } } });
    expect(config.recipes.find((r) => r.name === 'keycloak')?.hold).toEqual({ major: true, appMajor: true });
    expect(config.recipes.find((r) => r.name === 'gitea')?.hold).toEqual({ major: true, appMajor: false });
  });

  it('mode "live" forces rollback, needs backup, and takes restore and health.also', async () => {
    const live = { mode: 'live', rollback: false, backup: ['snap', '{domain}'], restore: ['unsnap', '{domain}'], health: { also: ['https://{domain}/realms/master'] } };
    const config = await load({ ...base, recipes: { ...base.recipes, keycloak: { promote: live } } });
    expect(config.recipes.find((r) => r.name === 'keycloak')?.promote).toMatchObject({
      mode: 'live', rollback: true, backup: ['snap', '{domain}'], restore: ['unsnap', '{domain}'],
      health: { also: ['https://{domain}/realms/master'] },
    });
    expect(await problemsOf({ ...base, recipes: { ...base.recipes, keycloak: { promote: { mode: 'live' } } } })).toEqual([
      'recipes.keycloak.promote.backup: required with promote.mode "live": a live service is backed up before canon touches it',
    ]);
    expect(await problemsOf({ ...base, recipes: { ...base.recipes, keycloak: { promote: { mode: 'hot', health: { also: ['ftp://x/{nope}'] } } } } })).toEqual([
      expect.stringMatching(/^recipes\.keycloak\.promote\.health\.also\[0\]: unknown placeholder \{nope\}/),
      expect.stringMatching(/^recipes\.keycloak\.promote\.mode: .*"warm".*"live"/),
    ]);
  });
});
