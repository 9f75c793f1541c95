import { describe, expect, it } from 'vitest';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { degradedFor, planTiers } from './tiers.js';

function recipe(name: string, extra: Partial<ResolvedRecipe> = {}): ResolvedRecipe {
  return {
    name, enrolled: true, reason: null, upstream: `https://up.example/${name}.git`, mirror: `https://git.example/ci-mirrors/${name}.git`,
    branch: 'HEAD', busyCheck: null, test: { command: ['true'], timeoutSeconds: 1, env: {}, revision: null, retries: 0, flaky: 'promote', baseline: null, cwd: '{checkout}', checkoutDir: null, timeoutExitCodes: [] },
    promote: {
      domain: `warm-${name}.example.org`, deploy: ['deploy'], teardown: null, verify: null,
      health: { url: 'https://{domain}/', expectStatus: [200], rejectBodyPattern: null, timeoutSeconds: 1, intervalSeconds: 1, also: [] },
      snapshot: null, park: null, volumeSize: null, timeoutSeconds: 1, rollback: false, mode: 'warm', backup: null, restore: null, env: {}, by: 'canon', locks: [], lockWaitSeconds: 0, snapshotAfterPark: false,
    },
    block: [], waive: [], hold: { major: false, appMajor: false }, dependsOn: null, ...extra,
  };
}

const recipes = [recipe('traefik'), recipe('keycloak'), recipe('gitea', { dependsOn: ['keycloak'] }), recipe('custom-html'), recipe('old', { enrolled: false })];
const config = {
  recipes,
  tiers: [{ name: 'proxy', recipes: ['traefik'] }, { name: 'idp', recipes: ['keycloak', 'old'] }, { name: 'apps', recipes: ['custom-html', 'gitea'] }],
} as unknown as ResolvedConfig;
const names = (rs: readonly ResolvedRecipe[]) => rs.map((r) => r.name);

describe('planTiers', () => {
  it('runs every tier in order, probing nothing extra when every recipe is selected', () => {
    expect(planTiers(config, recipes).map((t) => [t.name, names(t.run), names(t.probeOnly)])).toEqual([
      ['proxy', ['traefik'], []],
      ['idp', ['keycloak', 'old'], []],
      ['apps', ['custom-html', 'gitea'], []],
    ]);
  });

  it('a --recipe sweep of an app probes the enrolled recipes of the earlier tiers first', () => {
    const gitea = recipes.filter((r) => r.name === 'gitea');
    expect(planTiers(config, gitea).map((t) => [t.name, names(t.run), names(t.probeOnly)])).toEqual([
      ['proxy', [], ['traefik']],
      ['idp', [], ['keycloak']],
      ['apps', ['gitea'], []],
    ]);
  });

  it('a --recipe sweep of the first tier probes nothing', () => {
    const traefik = recipes.filter((r) => r.name === 'traefik');
    expect(planTiers(config, traefik).map((t) => [t.name, names(t.run), names(t.probeOnly)])).toEqual([['proxy', ['traefik'], []]]);
  });
});

describe('degradedFor', () => {
  const degraded = [{ recipe: 'traefik', reason: 'unhealthy' }];
  it('skips a recipe without dependsOn for any degraded recipe, one with dependsOn only for those it names', () => {
    expect(degradedFor(recipe('custom-html'), degraded)).toEqual(degraded);
    expect(degradedFor(recipe('gitea', { dependsOn: ['keycloak'] }), degraded)).toEqual([]);
    expect(degradedFor(recipe('gitea', { dependsOn: ['traefik'] }), degraded)).toEqual(degraded);
  });
});
