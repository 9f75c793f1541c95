import { deriveOutcome } from '@canon/promote-gate';
import { decide } from '@canon/trigger';
import type { CanonicalView } from '@canon/warm-registry';
import { describe, expect, it } from 'vitest';
import { newRecipeRecord, outcomeInputOf, pendingRecipeRun, recipeRunOf, type RecipeRecord } from './recipe-record.js';

const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);
const canonical: CanonicalView = {
  recipe: 'alpha', version: '1.0.0+1', tag: '1.0.0+1', commit: C1, status: 'canonical', ts: '2026-11-20T03:15:00.000Z',
  domain: 'alpha.test', runId: 'OLD', previous: null, legacy: false,
};
const decided = (): RecipeRecord => ({
  ...newRecipeRecord('alpha'),
  canonicalBefore: canonical,
  canonicalAfter: canonical,
  decision: decide({
    recipe: 'alpha', enrolled: true, tags: [{ name: 'v1.1.0+1', commit: C2 }], canonical,
    blocked: [], busy: false, force: false, includePrereleases: false,
  }),
});
const label = (record: RecipeRecord): RecipeRecord => ({ ...record, label: deriveOutcome(outcomeInputOf(record, 'R1')) });

describe('RecipeRecord views', () => {
  it('starts as the pending run.json entry a crash mid-sweep leaves behind', () => {
    expect(pendingRecipeRun('alpha')).toEqual({
      recipe: 'alpha', decision: null, outcome: null, detail: 'pending', tested: null, canonicalBefore: null, canonicalAfter: null,
      sync: { status: 'not-run', changed: false, closedPulls: [], warnings: [] },
      durationsMs: { sync: null, test: null, promote: null }, warmVolumeBytes: null, testVerdict: null, attempts: [], logs: {},
    });
  });

  it('says what is being tested before the label, and writes the canonical refs only with it', () => {
    const entry = recipeRunOf(decided());
    expect(entry).toMatchObject({
      outcome: null, detail: 'testing v1.1.0+1', tested: { version: '1.1.0+1', tag: 'v1.1.0+1', commit: C2 },
      decision: { action: 'run', reason: 'new-release', latest: 'v1.1.0+1', canonical: '1.0.0+1' }, canonicalBefore: null,
    });
  });

  it('labels a red suite FAILED from the same record that becomes the run.json entry', () => {
    const record = label({
      ...decided(),
      test: { exitCode: 1, signal: null, durationMs: 1234.6, timedOut: false, aborted: false, host: 'h', logTail: '', log: '/l' },
    });
    expect(recipeRunOf(record)).toMatchObject({
      outcome: 'FAILED', detail: 'suite for v1.1.0+1 exited 1; canonical unchanged', durationsMs: { test: 1235 },
      canonicalBefore: { version: '1.0.0+1', commit: C1, runId: 'OLD' }, canonicalAfter: { version: '1.0.0+1', commit: C1, runId: 'OLD' },
    });
  });

  it('adds why a mirror could not be synced after SYNC-FAILED', () => {
    const record = label({ ...newRecipeRecord('alpha'), sync: { kind: 'sync-failed', error: new Error('push rejected'), durationMs: 7 } });
    expect(recipeRunOf(record)).toMatchObject({
      outcome: 'SYNC-FAILED', detail: 'mirror could not be synced; not tested on a stale mirror: push rejected',
      sync: { status: 'failed' }, durationsMs: { sync: 7 },
    });
  });
});
