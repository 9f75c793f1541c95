// Run records for the report tests: a realistic fleet of nine recipes, built the way a
// sweep writes them, plus a builder for single entries.

import { summarizeOutcomes, type CanonicalView, type HistoryEvent, type RecipeRun, type RunRecord } from '@canon/warm-registry';
import type { ReportContext } from '../report/context.js';

const oid = (seed: string): string => seed.repeat(40).slice(0, 40);

export function recipeRun(recipe: string, fields: Partial<RecipeRun> = {}): RecipeRun {
  return {
    recipe,
    decision: { action: 'skip', reason: 'no-new-version', latest: null, canonical: null },
    outcome: 'SKIPPED',
    detail: 'no-new-version',
    tested: null,
    canonicalBefore: null,
    canonicalAfter: null,
    sync: { status: 'unchanged', changed: false, closedPulls: [], warnings: [] },
    durationsMs: { sync: 40, test: null, promote: null },
    warmVolumeBytes: null,
    logs: {},
    ...fields,
  };
}

export function runRecord(runId: string, recipes: RecipeRun[], fields: Partial<RunRecord> = {}): RunRecord {
  const summary = summarizeOutcomes(recipes);
  return {
    schema: 1, runId, startedAt: '2026-11-22T03:00:02.000Z', finishedAt: '2026-11-22T04:12:40.000Z',
    dryRun: false, interrupted: false, canonVersion: '0.1.0', exitCode: 1, recipes, summary,
    disk: { usedBytes: 41_234_567_890, budgetBytes: 200 * 1024 ** 3 }, ...fields,
  };
}

const LOGS = (recipe: string): Record<string, string> => ({ sync: `${recipe}/sync.log`, test: `${recipe}/test.log` });

const ref = (version: string, seed: string, runId: string | null) => ({ version, commit: oid(seed), runId });

/** This week's sweep of a realistic fleet, with last week's for comparison. */
export function fleetContext(now = new Date('2026-11-23T09:00:00Z')): ReportContext {
  const id = '20261122T030002Z-4f2a';
  const prev = '20261115T030001Z-9c1e';
  const run = runRecord(id, [
    recipeRun('custom-html', {
      decision: { action: 'run', reason: 'seed', latest: '1.13.0+1.31.1', canonical: null },
      outcome: 'PROMOTED', detail: 'nothing → 1.13.0+1.31.1 at a1a1a1a1a1a1',
      tested: { version: '1.13.0+1.31.1', tag: '1.13.0+1.31.1', commit: oid('a1') },
      canonicalAfter: ref('1.13.0+1.31.1', 'a1', id),
      durationsMs: { sync: 310, test: 48_200, promote: 21_900 }, warmVolumeBytes: 52_428_800, logs: LOGS('custom-html'),
    }),
    recipeRun('gitea', {
      decision: { action: 'run', reason: 'new-release', latest: '3.6.0+1.24.2-rootless', canonical: '3.5.3+1.24.2-rootless' },
      outcome: 'PROMOTED', detail: '3.5.3+1.24.2-rootless → 3.6.0+1.24.2-rootless at b7b7b7b7b7b7',
      tested: { version: '3.6.0+1.24.2-rootless', tag: '3.6.0+1.24.2-rootless', commit: oid('b7') },
      canonicalBefore: ref('3.5.3+1.24.2-rootless', 'b3', prev), canonicalAfter: ref('3.6.0+1.24.2-rootless', 'b7', id),
      sync: { status: 'synced', changed: true, closedPulls: [12], warnings: [] },
      durationsMs: { sync: 820, test: 412_000, promote: 95_500 }, warmVolumeBytes: 3_221_225_472, logs: LOGS('gitea'),
    }),
    recipeRun('nextcloud', {
      decision: { action: 'skip', reason: 'no-new-version', latest: '30.0.2+31.0.4-fpm', canonical: '30.0.2+31.0.4-fpm' },
      detail: 'no-new-version: 30.0.2+31.0.4-fpm is canonical at c2c2c2c2c2c2; backport 29.2.1+30.0.9-fpm is older',
      canonicalBefore: ref('30.0.2+31.0.4-fpm', 'c2', prev), canonicalAfter: ref('30.0.2+31.0.4-fpm', 'c2', prev),
      sync: { status: 'synced', changed: true, closedPulls: [], warnings: [] },
    }),
    recipeRun('lasuite-docs', { decision: { action: 'skip', reason: 'never-released', latest: null, canonical: null }, detail: 'never-released: no release tag among 3 tags (ignored: latest, 0.1.0-rc.1, nightly)' }),
    recipeRun('discourse', {
      decision: { action: 'run', reason: 'new-release', latest: '0.7.1+3.4.1', canonical: '0.7.0+3.4.0' },
      outcome: 'FAILED', detail: 'suite for 0.7.1+3.4.1 exited 1; canonical unchanged',
      tested: { version: '0.7.1+3.4.1', tag: '0.7.1+3.4.1', commit: oid('d1') },
      canonicalBefore: ref('0.7.0+3.4.0', 'd0', null), canonicalAfter: ref('0.7.0+3.4.0', 'd0', null),
      durationsMs: { sync: 95, test: 188_000, promote: null }, logs: LOGS('discourse'),
    }),
    recipeRun('hedgedoc', {
      decision: { action: 'run', reason: 'tag-moved', latest: '2.1.0+1.10.3', canonical: '2.1.0+1.10.3' },
      outcome: 'TIMED-OUT', detail: 'suite for 2.1.0+1.10.3 ran past its limit; its process tree was killed',
      tested: { version: '2.1.0+1.10.3', tag: '2.1.0+1.10.3', commit: oid('e9') },
      canonicalBefore: ref('2.1.0+1.10.3', 'e1', prev), canonicalAfter: ref('2.1.0+1.10.3', 'e1', prev),
      sync: { status: 'synced', changed: true, closedPulls: [], warnings: [{ code: 'tag-moved', message: 'tag 2.1.0+1.10.3 moved from e1e1e1e1e1 to e9e9e9e9e9' }] },
      durationsMs: { sync: 130, test: 3_600_000, promote: null }, logs: LOGS('hedgedoc'),
    }),
    recipeRun('matrix-synapse', {
      decision: { action: 'run', reason: 'new-release', latest: '5.2.0+v1.120.0', canonical: '5.1.0+v1.118.0' },
      outcome: 'GREEN-BUT-PROMOTE-FAILED', detail: 'promote failed: unhealthy (https://warm-matrix-synapse.ci.example.org/ answered 502); rolled back to 5.1.0+v1.118.0, healthy; canonical unchanged',
      tested: { version: '5.2.0+v1.120.0', tag: '5.2.0+v1.120.0', commit: oid('f2') },
      canonicalBefore: ref('5.1.0+v1.118.0', 'f1', prev), canonicalAfter: ref('5.1.0+v1.118.0', 'f1', prev),
      durationsMs: { sync: 77, test: 902_000, promote: 600_400 }, warmVolumeBytes: 8_589_934_592, logs: LOGS('matrix-synapse'),
    }),
    recipeRun('keycloak', {
      decision: { action: 'skip', reason: 'not-enrolled', latest: null, canonical: null },
      detail: 'not-enrolled: warm domain is the live shared OIDC provider', sync: { status: 'not-run', changed: false, closedPulls: [], warnings: [] },
      durationsMs: { sync: null, test: null, promote: null },
    }),
    recipeRun('authentik', {
      decision: { action: 'run', reason: 'seed', latest: '10.1.0+2025.10.1', canonical: null },
      outcome: 'GREEN-BUT-PROMOTE-FAILED', detail: 'promote failed: protected-domain (warm-authentik.ci.example.org is protected; no seed teardown); canonical unchanged',
      tested: { version: '10.1.0+2025.10.1', tag: '10.1.0+2025.10.1', commit: oid('91') },
      durationsMs: { sync: 88, test: 341_000, promote: 12 }, logs: LOGS('authentik'),
    }),
  ]);
  const previous = runRecord(prev, [
    recipeRun('gitea', { canonicalBefore: ref('3.5.3+1.24.2-rootless', 'b3', prev), canonicalAfter: ref('3.5.3+1.24.2-rootless', 'b3', prev) }),
    recipeRun('discourse', { outcome: 'FAILED', detail: 'suite for 0.7.1+3.4.1 exited 1; canonical unchanged' }),
    recipeRun('hedgedoc', { outcome: 'PROMOTED', canonicalAfter: ref('2.1.0+1.10.3', 'e1', prev) }),
    recipeRun('matrix-synapse', { outcome: 'PROMOTED', canonicalAfter: ref('5.1.0+v1.118.0', 'f1', prev) }),
    recipeRun('nextcloud', { outcome: 'PROMOTED', canonicalAfter: ref('30.0.2+31.0.4-fpm', 'c2', prev) }),
    recipeRun('keycloak'), recipeRun('lasuite-docs'), recipeRun('wordpress'),
  ], { startedAt: '2026-11-15T03:00:01.000Z', finishedAt: '2026-11-15T03:58:10.000Z' });
  const canonical = (recipe: string, version: string, seed: string, ts: string, runId: string | null): CanonicalView => ({
    recipe, version, tag: version, commit: oid(seed), status: 'canonical', ts, domain: `warm-${recipe}.ci.example.org`, runId, previous: null, legacy: runId === null,
  });
  const promoted = (version: string, ts: string, runId: string | null): HistoryEvent => ({ type: 'promoted', ts, runId, version, commit: oid('0') });
  return {
    run, previous, now, schedule: { onCalendar: 'Sun *-*-* 03:00:00' }, stateDir: '/var/lib/canon',
    canonicals: {
      'custom-html': canonical('custom-html', '1.13.0+1.31.1', 'a1', '2026-11-22T03:01:12.000Z', id),
      gitea: canonical('gitea', '3.6.0+1.24.2-rootless', 'b7', '2026-11-22T03:10:31.000Z', id),
      nextcloud: canonical('nextcloud', '30.0.2+31.0.4-fpm', 'c2', '2026-11-15T03:40:00.000Z', prev),
      discourse: canonical('discourse', '0.7.0+3.4.0', 'd0', '20260617T050314Z', null),
      hedgedoc: canonical('hedgedoc', '2.1.0+1.10.3', 'e1', '2026-11-15T03:20:00.000Z', prev),
      'matrix-synapse': canonical('matrix-synapse', '5.1.0+v1.118.0', 'f1', '2026-11-15T03:30:00.000Z', prev),
      keycloak: null, 'lasuite-docs': null, authentik: null,
    },
    histories: {
      gitea: [promoted('3.4.1+1.23.8-rootless', '2026-09-06T03:20:00.000Z', null), promoted('3.5.3+1.24.2-rootless', '2026-10-18T03:22:00.000Z', null),
        promoted('3.6.0+1.24.2-rootless', '2026-11-22T03:10:31.000Z', id)],
      'custom-html': [promoted('1.13.0+1.31.1', '2026-11-22T03:01:12.000Z', id)],
      nextcloud: [promoted('30.0.2+31.0.4-fpm', '2026-11-15T03:40:00.000Z', prev)],
      hedgedoc: [promoted('2.1.0+1.10.3', '2026-11-15T03:20:00.000Z', prev)],
      'matrix-synapse': [promoted('5.1.0+v1.118.0', '2026-11-15T03:30:00.000Z', prev),
        { type: 'advance-failed', ts: '2026-11-22T03:59:00.000Z', runId: id, version: '5.2.0+v1.120.0', commit: oid('f2') }],
    },
  };
}
