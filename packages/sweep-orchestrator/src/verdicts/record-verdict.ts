import { deriveOutcome, type OutcomeLabel } from '@canon/promote-gate';
import { isFinalVerdict } from '@canon/trigger';
import type { Registry, RecipeRun } from '@canon/warm-registry';
import { outcomeInputOf, type RecipeRecord } from '../sweep/recipe-record.js';

export type Revisions = { suiteRev: string; promoteRev: string };

/** The outcome, with a held-back flake as FAILED and a baseline's finding said after it. */
export function labelOf(record: RecipeRecord, runId: string): OutcomeLabel {
  const label = deriveOutcome(outcomeInputOf(record, runId));
  const note = record.verdictNote;
  if (note === null || label.outcome === 'ERROR') return label;
  if (note.held) return { outcome: 'FAILED', detail: note.detail };
  return { outcome: label.outcome, detail: `${label.detail}; ${note.detail}` };
}

/**
 * The reason code a verdict line carries; trigger's isFinalVerdict reads it, so promote
 * failures keep the promoter's own codes (`deploy-failed`, `unhealthy`, …).
 */
export function verdictReason(record: RecipeRecord, entry: RecipeRun): string | null {
  switch (entry.outcome) {
    case 'FAILED':
      return record.verdictNote?.held === true ? 'flaky' : 'suite-red';
    case 'TIMED-OUT':
      return record.test?.timedOut === true ? 'test-timed-out' : 'promote-timed-out';
    case 'GREEN-BUT-PROMOTE-FAILED':
      if (record.gate !== null && !record.gate.promote) return 'gate-refused';
      return record.promote?.reason ?? 'promote-failed';
    case 'PROMOTED':
      return null;
    default:
      return entry.outcome === null ? null : 'error';
  }
}

/**
 * Appends the tested release's verdict line (and, for a waived red, history `waived`). A
 * write that fails is a warning: the cost is one re-test next sweep, never a lost outcome.
 */
export async function recordVerdict(
  ctx: { registry: Registry; runId: string; warn: (recipe: string, message: string) => void },
  record: RecipeRecord,
  entry: RecipeRun,
  revs: Revisions | null,
): Promise<void> {
  if (revs === null || entry.tested === null || entry.outcome === null || record.test === null) return;
  const reason = verdictReason(record, entry);
  const ts = new Date().toISOString();
  try {
    await ctx.registry.appendVerdict(entry.recipe, {
      schema: 1, ts, runId: ctx.runId,
      key: { version: entry.tested.version, commit: entry.tested.commit, ...revs },
      outcome: entry.outcome, final: isFinalVerdict(entry.outcome, reason), reason,
      testVerdict: record.testVerdict, attempts: record.attempts,
    });
    const waived = record.gate?.waived;
    if (entry.outcome === 'PROMOTED' && waived !== undefined) {
      await ctx.registry.appendHistory(entry.recipe, {
        type: 'waived', ts, runId: ctx.runId, version: entry.tested.version, commit: entry.tested.commit,
        detail: `red suite promoted by a waiver: ${waived}`,
      });
    }
  } catch (e) {
    ctx.warn(entry.recipe, `could not write verdicts.jsonl: ${e instanceof Error ? e.message : String(e)}; the release will be re-tested next sweep`);
  }
}
