import type { GateVerdict } from './gate.js';

export const OUTCOMES = [
  'PROMOTED',
  'GREEN-BUT-PROMOTE-FAILED',
  'FAILED',
  'TIMED-OUT',
  'SYNC-FAILED',
  'SKIPPED',
  'ERROR',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

/** A canonical record reduced to what decides a promotion. */
export type RecordRef = { version: string; commit: string; runId: string | null };

export type OutcomeInput = {
  runId: string;
  /** null: canon never got as far as deciding. */
  decision: { action: 'run' | 'skip'; reason: string; detail?: string } | null;
  syncStatus: 'ok' | 'failed' | 'not-run';
  /** canon's own failure for this recipe (unreadable record, checkout mismatch, …). */
  error: string | null;
  testResult: { exitCode: number | null; timedOut: boolean } | null;
  gate: GateVerdict | null;
  promoteResult: { ok: boolean; timedOut: boolean; reason: string | null } | null;
  tested: { version: string; tag: string; commit: string } | null;
  canonicalBefore: RecordRef | null;
  /** Re-read from the registry after the step: the only source of truth for PROMOTED. */
  canonicalAfter: RecordRef | null;
};

export type OutcomeLabel = { outcome: Outcome; detail: string };

function short(commit: string): string {
  return commit.slice(0, 12);
}

function promotedInThisRun(input: OutcomeInput): boolean {
  const { tested, canonicalAfter: after, runId } = input;
  return (
    tested !== null &&
    after !== null &&
    after.version === tested.version &&
    after.commit === tested.commit &&
    after.runId === runId
  );
}

// Why the registry does not hold the tested version, in words an operator can act on.
function whyNotPromoted(input: OutcomeInput): string {
  const { tested, canonicalAfter: after, promoteResult } = input;
  if (tested !== null && after !== null && after.version === tested.version) {
    if (after.commit !== tested.commit) {
      return `registry holds ${after.version} at ${short(after.commit)}, not the tag's commit ${short(tested.commit)}`;
    }
    if (after.runId !== input.runId) {
      return `registry already held ${after.version}, written by run ${after.runId ?? '(legacy record)'}, not this run`;
    }
  }
  if (promoteResult === null) return 'promote did not run';
  if (promoteResult.ok)
    return 'promote reported success but the registry does not hold the tested version';
  return `promote failed: ${promoteResult.reason ?? 'no reason given'}`;
}

/**
 * The outcome label of one recipe in one run. Derived from what happened and, for
 * PROMOTED, from the registry as re-read after the step — never from an exit code alone:
 * a green suite whose promote failed is never PROMOTED, nor is a record holding any
 * other commit than the tag's own.
 */
export function deriveOutcome(input: OutcomeInput): OutcomeLabel {
  if (input.error !== null) return { outcome: 'ERROR', detail: input.error };
  if (input.syncStatus === 'failed') {
    return {
      outcome: 'SYNC-FAILED',
      detail: 'mirror could not be synced; not tested on a stale mirror',
    };
  }
  const { decision } = input;
  if (decision === null) return { outcome: 'ERROR', detail: 'no decision was made' };
  if (decision.action === 'skip') {
    return {
      outcome: 'SKIPPED',
      detail: decision.detail ? `${decision.reason}: ${decision.detail}` : decision.reason,
    };
  }
  const { testResult, tested } = input;
  if (testResult === null || tested === null) {
    return { outcome: 'ERROR', detail: 'decided to run, but no test result was recorded' };
  }
  if (testResult.timedOut && testResult.exitCode !== null) {
    return {
      outcome: 'TIMED-OUT',
      detail: `suite for ${tested.tag} exited ${testResult.exitCode}, which test.timeoutExitCodes counts as its own deadline; canonical unchanged`,
    };
  }
  if (testResult.timedOut) {
    return {
      outcome: 'TIMED-OUT',
      detail: `suite for ${tested.tag} ran past its limit; its process tree was killed`,
    };
  }
  const waived = input.gate?.waived;
  if (testResult.exitCode !== 0 && waived === undefined) {
    const how = testResult.exitCode === null ? 'was killed' : `exited ${testResult.exitCode}`;
    return { outcome: 'FAILED', detail: `suite for ${tested.tag} ${how}; canonical unchanged` };
  }
  if (promotedInThisRun(input)) {
    const from = input.canonicalBefore?.version ?? 'nothing';
    const excuse = waived === undefined ? '' : `; waived: ${waived}`;
    return {
      outcome: 'PROMOTED',
      detail: `${from} → ${tested.version} at ${short(tested.commit)}${excuse}`,
    };
  }
  if (input.promoteResult?.timedOut === true) {
    return {
      outcome: 'TIMED-OUT',
      detail: `promote of ${tested.version} ran past its limit; canonical unchanged`,
    };
  }
  if (input.gate !== null && !input.gate.promote) {
    const excuses = input.gate.reasons.map((r) => r.message).join('; ');
    return { outcome: 'GREEN-BUT-PROMOTE-FAILED', detail: `gate refused: ${excuses}` };
  }
  // A test command that promotes by itself may have changed the record canon refused to accept.
  const { canonicalBefore: b, canonicalAfter: a } = input;
  const unchanged = a === null || b === null ? a === b : a.version === b.version && a.commit === b.commit;
  return {
    outcome: 'GREEN-BUT-PROMOTE-FAILED',
    detail: `${whyNotPromoted(input)}${unchanged ? '; canonical unchanged' : '; canon did not accept that record'}`,
  };
}
