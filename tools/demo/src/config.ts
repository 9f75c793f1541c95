// canon.config.json for the demo fleet: the shape an operator writes, with the loopback
// git server for upstream and mirrors, the forge stand-in, the demo suite as `test`, and
// the warm host's fake-abra for every promote command.

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Fleet, WarmHost } from '@canon/testkit';
import { DEMO_RECIPES, DEMO_TIERS, type DemoRecipe } from './fleet-plan.js';
import { domainOf } from './world.js';

export const FORGE_TOKEN_ENV = 'CANON_DEMO_FORGE_TOKEN';

export const SUITE = fileURLToPath(new URL('../bin/demo-suite.mjs', import.meta.url));

export function demoConfig(opts: { dir: string; fleet: Fleet; warm: WarmHost; planFile: string }): Record<string, unknown> {
  const { dir, fleet, warm } = opts;
  const abra = (...args: string[]): string[] => [process.execPath, warm.fakeAbra, `--host=${warm.url}`, ...args];
  if (!fleet.forge) throw new Error('the demo fleet was built without its forge stand-in');
  return {
    $schema: '../packages/sweep-orchestrator/schemas/canon.config.schema.json',
    stateDir: join(dir, 'state'),
    workDir: join(dir, 'work'),
    forge: { type: 'gitea', url: fleet.forge.url, tokenEnv: FORGE_TOKEN_ENV },
    defaults: {
      upstream: `${fleet.server.baseUrl}/upstream/{recipe}.git`,
      mirror: `${fleet.server.baseUrl}/ci-mirrors/{recipe}.git`,
      test: { command: [process.execPath, SUITE, opts.planFile, '{recipe}', '{version}'], timeoutSeconds: 30, env: { CI: '1' } },
      promote: {
        domain: 'warm-{recipe}.demo.test',
        deploy: abra('deploy', '{domain}', '{version}'),
        teardown: abra('teardown', '{domain}'),
        verify: abra('verify', '{domain}'),
        health: { url: warm.healthUrlTemplate, expectStatus: [200], rejectBodyPattern: '404 page not found', timeoutSeconds: 1.5, intervalSeconds: 0.2 },
        snapshot: abra('snapshot', '{domain}', '{version}'),
        volumeSize: abra('volume-size', '{domain}'),
        timeoutSeconds: 20,
        rollback: true,
      },
    },
    tiers: DEMO_TIERS,
    recipes: Object.fromEntries(DEMO_RECIPES.map((r) => [r.name, recipeConfig(r, abra)])),
    protectedDomains: DEMO_RECIPES.filter((r) => r.protectedDomain).map((r) => domainOf(r.name)),
    schedule: { onCalendar: 'Sun *-*-* 03:00:00', persistent: true },
    lockStaleSeconds: 10,
    killGraceSeconds: 1,
    concurrency: 1,
    diskBudgetGiB: 20,
  };
}

// Shared infrastructure is promoted live: backed up first, never torn down, restored and
// rolled back when an advance fails.
function recipeConfig(r: DemoRecipe, abra: (...args: string[]) => string[]): Record<string, unknown> {
  if (r.infra === undefined) return r.config ?? {};
  return {
    ...r.config,
    promote: { mode: 'live', backup: abra('backup', '{domain}'), restore: abra('restore', '{domain}') },
  };
}
