// The fleet as `canon status` sees it after a partial run: Sunday's full sweep of nine
// recipes, then `canon sweep --recipe hedgedoc --force` on Monday, with attempts, the
// evidence of the failed recipes, a held major and the warm volumes over budget.

import type { AttemptRecord } from '@canon/warm-registry';
import type { ReportContext } from '../report/context.js';
import { fleetContext, recipeRun, runRecord } from './report-fixtures.js';

export const PARTIAL_RUN = '20261123T080000Z-aa01';
const GiB = 1024 ** 3;

export function partialFleetContext(now = new Date('2026-11-23T09:00:00Z')): ReportContext {
  const base = fleetContext(now);
  const full = base.run;
  const partial = runRecord(PARTIAL_RUN, [
    recipeRun('hedgedoc', {
      decision: { action: 'run', reason: 'forced', latest: '2.1.0+1.10.3', canonical: '2.1.0+1.10.3' },
      outcome: 'FAILED', detail: 'suite for 2.1.0+1.10.3 exited 1; canonical unchanged',
      tested: { version: '2.1.0+1.10.3', tag: '2.1.0+1.10.3', commit: 'e9'.repeat(20) },
      durationsMs: { sync: 120, test: 61_000, promote: null }, logs: { test: 'hedgedoc/test.log' },
    }),
  ], { startedAt: '2026-11-23T08:00:00.000Z', finishedAt: '2026-11-23T08:01:02.000Z', exitCode: 1 });
  const lastSeen = Object.fromEntries(full.recipes.filter((r) => r.recipe !== 'hedgedoc').map((entry) => [entry.recipe, { runId: full.runId, entry }]));
  const attempt = (recipe: string, version: string, outcome: AttemptRecord['outcome'], ts: string, runId: string): AttemptRecord => ({
    schema: 1, recipe, runId, ts, version, tag: version, commit: 'ab'.repeat(20), outcome, detail: '',
  });
  const held = recipeRun('nextcloud', {
    decision: { action: 'skip', reason: 'held-major', latest: '31.0.0+32.0.0-fpm', canonical: '30.0.2+31.0.4-fpm' },
    outcome: 'SKIPPED', detail: 'held-major: 31.0.0+32.0.0-fpm is a new major; approve with canon approve --recipe nextcloud --version 31.0.0+32.0.0-fpm --reason …',
  });
  lastSeen.nextcloud = { runId: full.runId, entry: held };
  return {
    ...base,
    run: partial,
    previous: { ...full, recipes: full.recipes.map((r) => (r.recipe === 'nextcloud' ? held : r)) },
    earlier: [base.previous].filter((r) => r !== null),
    enrolled: full.recipes.filter((r) => r.recipe !== 'keycloak').map((r) => r.recipe),
    lastSeen,
    lastFull: full,
    attempts: {
      gitea: attempt('gitea', '3.6.0+1.24.2-rootless', 'PROMOTED', '2026-11-22T03:10:00.000Z', full.runId),
      discourse: attempt('discourse', '0.7.1+3.4.1', 'FAILED', '2026-11-22T03:20:00.000Z', full.runId),
      hedgedoc: attempt('hedgedoc', '2.1.0+1.10.3', 'FAILED', '2026-11-23T08:01:00.000Z', PARTIAL_RUN),
    },
    evidence: {
      hedgedoc: { log: `runs/${PARTIAL_RUN}/hedgedoc/test.log`, line: 'not ok 5 - login page renders: HTTP 500' },
      discourse: { log: `runs/${full.runId}/discourse/test.log`, line: 'Error: migration 42 failed' },
    },
    inProgress: null,
    disk: { usedBytes: 210 * GiB, budgetBytes: 200 * GiB },
    canonVersion: '0.1.0',
  };
}
