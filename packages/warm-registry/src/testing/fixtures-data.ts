import type { CanonicalRecord } from '../records/canonical.js';
import type { RecipeRun, RunRecord } from '../records/run.js';
import { summarizeOutcomes } from '../records/run.js';

export function commitOf(n: number): string {
  return n.toString(16).padStart(40, 'a').slice(-40);
}

export function canonicalOf(recipe: string, n: number): CanonicalRecord {
  return {
    schema: 1,
    recipe,
    version: `1.${n}.0+2.0.${n}`,
    tag: `1.${n}.0+2.0.${n}`,
    commit: commitOf(n),
    status: 'canonical',
    ts: new Date(Date.UTC(2026, 10, 1, 3, 0, n % 60)).toISOString(),
    domain: `warm-${recipe}.ci.example.org`,
    runId: `20261101T030000Z-${(n % 0xffff).toString(16).padStart(4, '0')}`,
    previous: n === 0 ? null : { version: `1.${n - 1}.0+2.0.${n - 1}`, commit: commitOf(n - 1) },
  };
}

export function recipeRunOf(recipe: string, overrides: Partial<RecipeRun> = {}): RecipeRun {
  return {
    recipe,
    decision: {
      action: 'run',
      reason: 'new-release',
      latest: '1.2.0+2.0.2',
      canonical: '1.1.0+2.0.1',
    },
    outcome: 'PROMOTED',
    detail: 'canonical now 1.2.0+2.0.2',
    tested: { version: '1.2.0+2.0.2', tag: '1.2.0+2.0.2', commit: commitOf(2) },
    canonicalBefore: { version: '1.1.0+2.0.1', commit: commitOf(1), runId: null },
    canonicalAfter: { version: '1.2.0+2.0.2', commit: commitOf(2), runId: 'r' },
    sync: { status: 'synced', changed: true, closedPulls: [3], warnings: [] },
    durationsMs: { sync: 120, test: 60_000, promote: 9_000 },
    warmVolumeBytes: 1024,
    logs: { test: `${recipe}/test.log` },
    ...overrides,
  };
}

export function runOf(runId: string, recipes: RecipeRun[] = [recipeRunOf('gitea')]): RunRecord {
  return {
    schema: 1,
    runId,
    startedAt: '2026-11-27T03:00:00.000Z',
    finishedAt: '2026-11-27T03:10:00.000Z',
    dryRun: false,
    interrupted: false,
    canonVersion: '0.1.0',
    exitCode: 0,
    recipes,
    summary: summarizeOutcomes(recipes),
    disk: { usedBytes: 1024, budgetBytes: 200 * 1024 ** 3 },
  };
}
