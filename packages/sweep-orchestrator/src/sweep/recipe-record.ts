import type { GateVerdict, OutcomeInput, OutcomeLabel, RecordRef } from '@canon/promote-gate';
import type { Decision, ReleaseRef } from '@canon/trigger';
import type { CanonicalView, RecipeRun, TestAttempt, TestVerdict } from '@canon/warm-registry';
import type { TestResult } from '../executor/executor.js';
import type { PromoteResult } from '../promote/promoter.js';
import type { RecipeSync } from './sync-recipe.js';

/**
 * Everything known about one recipe in one run, filled in phase by phase. The outcome is
 * derived from it (outcomeInputOf) and its run.json entry is a view of it (recipeRunOf), so
 * the two can never disagree.
 */
export type RecipeRecord = {
  recipe: string;
  canonicalBefore: CanonicalView | null;
  /** Re-read from the registry after promote; until then the record as it was before. */
  canonicalAfter: CanonicalView | null;
  sync: RecipeSync | null;
  decision: Decision | null;
  test: TestResult | null;
  /** Every run of the suite (retries included), as run.json holds them. */
  attempts: TestAttempt[];
  testVerdict: TestVerdict | null;
  /** Why the verdict overrides the gate's outcome (flaky held back), or adds to it (baseline), or null. */
  verdictNote: { held: boolean; detail: string } | null;
  gate: GateVerdict | null;
  promote: PromoteResult | null;
  /** canon's own failure for this recipe (unreadable record, checkout failed, …). */
  error: string | null;
  /** step name → log file path relative to the run directory. */
  logs: Record<string, string>;
  label: OutcomeLabel | null;
};

export function newRecipeRecord(recipe: string): RecipeRecord {
  return {
    recipe, canonicalBefore: null, canonicalAfter: null, sync: null, decision: null,
    test: null, attempts: [], testVerdict: null, verdictNote: null, gate: null, promote: null, error: null, logs: {}, label: null,
  };
}

/** A recipe's entry before anything happened to it: how a crash mid-sweep leaves it in run.json. */
export function pendingRecipeRun(recipe: string): RecipeRun {
  return recipeRunOf(newRecipeRecord(recipe));
}

/** The canonical reduced to what decides a promotion, as run.json and deriveOutcome hold it. */
export function refOf(view: CanonicalView | null): RecordRef | null {
  return view === null ? null : { version: view.version, commit: view.commit, runId: view.runId };
}

/** The release the decision chose to test, or null when it chose to skip. */
export function testedOf(record: RecipeRecord): ReleaseRef | null {
  return record.decision?.action === 'run' ? record.decision.latest : null;
}

export function outcomeInputOf(record: RecipeRecord, runId: string): OutcomeInput {
  const { sync, decision, test, promote } = record;
  const tested = testedOf(record);
  return {
    runId,
    decision: decision === null ? null : { action: decision.action, reason: decision.reason, detail: decision.detail },
    syncStatus: sync?.kind === 'synced' ? 'ok' : sync?.kind === 'sync-failed' ? 'failed' : 'not-run',
    error: record.error,
    testResult: test === null ? null : { exitCode: test.exitCode, timedOut: test.timedOut },
    gate: record.gate,
    promoteResult: promote === null ? null : {
      ok: promote.ok, timedOut: promote.timedOut,
      reason: promote.detail === undefined || promote.reason === null ? promote.reason : `${promote.reason} (${promote.detail})`,
    },
    tested: tested === null ? null : { version: tested.version, tag: tested.name, commit: tested.commit },
    canonicalBefore: refOf(record.canonicalBefore),
    canonicalAfter: afterRefOf(record, runId),
  };
}

/**
 * The re-read record as the label sees it. A test command's own record carries no run id of
 * canon's; the test promoter verified it was written during this run's test, so when the re-read
 * still holds exactly that record, it is this run's.
 */
function afterRefOf(record: RecipeRecord, runId: string): RecordRef | null {
  const after = record.canonicalAfter;
  const verified = record.promote?.recordedByTest;
  const ref = refOf(after);
  if (after === null || ref === null || verified === undefined) return ref;
  const same = after.version === verified.version && after.commit === verified.commit && after.ts === verified.ts;
  return same ? { ...ref, runId: ref.runId ?? runId } : ref;
}

/** The record as run.json holds it. The canonical refs are written with the label, from the same reads it used. */
export function recipeRunOf(record: RecipeRecord): RecipeRun {
  const { sync, decision, test, promote, label } = record;
  const tested = testedOf(record);
  return {
    recipe: record.recipe,
    decision: decision === null ? null : { action: decision.action, reason: decision.reason, latest: decision.latest?.name ?? null, canonical: decision.canonical },
    outcome: label?.outcome ?? null,
    detail: label === null ? (tested === null ? 'pending' : `testing ${tested.name}`) : `${label.detail}${rollbackNote(promote)}${syncNote(sync)}`,
    tested: tested === null ? null : {
      version: tested.version, tag: tested.name, commit: tested.commit, ...(test?.worker === undefined ? {} : { worker: test.worker }),
    },
    canonicalBefore: label === null ? null : refOf(record.canonicalBefore),
    canonicalAfter: label === null ? null : refOf(record.canonicalAfter),
    sync: sync === null
      ? { status: 'not-run', changed: false, closedPulls: [], warnings: [] }
      : sync.kind === 'synced'
        ? { status: sync.sync.status, changed: sync.sync.changed, closedPulls: sync.sync.closedPulls, warnings: sync.sync.warnings }
        : { status: 'failed', changed: false, closedPulls: [], warnings: [] },
    durationsMs: {
      sync: sync?.durationMs ?? null,
      test: test === null ? null : Math.round(record.attempts.length > 0 ? record.attempts.reduce((sum, a) => sum + a.durationMs, 0) : test.durationMs),
      promote: promote === null ? null : Math.round(promote.durationMs),
    },
    warmVolumeBytes: promote?.warmVolumeBytes ?? null,
    testVerdict: record.testVerdict,
    attempts: record.attempts.map((a) => ({ ...a })),
    logs: { ...record.logs },
  };
}

// A mirror that could not be synced says why after the outcome's own sentence.
function syncNote(sync: RecipeSync | null): string {
  return sync?.kind === 'sync-failed' ? `: ${sync.error.message}` : '';
}

function rollbackNote(promote: PromoteResult | null): string {
  const rb = promote?.rollback ?? null;
  if (rb === null) return '';
  // A rollback refused before anything ran (e.g. the recorded commit is gone) says why.
  if (!rb.attempted) return rb.reason === null ? '' : `; nothing was rolled back: ${rb.reason}`;
  if (rb.healthy === true) return '; rolled back to the previous canonical, which came back healthy';
  return `; rollback to the previous canonical did NOT come back healthy${rb.reason === null ? '' : ` (${rb.reason})`}`;
}
