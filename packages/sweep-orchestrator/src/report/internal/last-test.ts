// A recipe's last test as the fleet knows it: the newest verdicts.jsonl line (every test
// writes one), else the newest run entry that tested, else attempt.json. A known-failed
// skip runs no test, so its verdict comes from the line that made it known.

import type { Outcome } from '@canon/promote-gate';
import type { AttemptRecord, RecipeRun, TestAttempt, TestVerdict, VerdictRecord } from '@canon/warm-registry';
import { ageSeconds, formatAge, formatDuration } from './format.js';

export type LastTest = {
  verdict: TestVerdict;
  version: string;
  outcome: Outcome;
  runId: string | null;
  /** When the verdict was written; null when only a run entry says it. */
  ts: string | null;
  attempts: TestAttempt[];
};

/** Whether a last test is worth showing beside its outcome: it did not simply pass (green, first attempt). */
export function verdictWorthShowing(last: LastTest | null | undefined): last is LastTest {
  return last != null && !(last.verdict === 'green' && last.attempts.length <= 1);
}

/** What a test's outcome says about the suite when no testVerdict was recorded (older records). */
function verdictOfOutcome(outcome: Outcome): TestVerdict | null {
  switch (outcome) {
    case 'PROMOTED':
    case 'GREEN-BUT-PROMOTE-FAILED':
      return 'green';
    case 'FAILED':
      return 'red';
    case 'TIMED-OUT':
      return 'timed-out';
    default:
      return null;
  }
}

export function lastTestOf(
  line: VerdictRecord | null | undefined,
  entry: RecipeRun | null,
  entryRunId: string | null,
  attempt: AttemptRecord | null,
): LastTest | null {
  if (line) {
    const verdict = line.testVerdict ?? verdictOfOutcome(line.outcome);
    if (verdict !== null) {
      return { verdict, version: line.key.version, outcome: line.outcome, runId: line.runId, ts: line.ts, attempts: line.attempts };
    }
  }
  if (entry?.tested && entry.outcome !== null) {
    const verdict = entry.testVerdict ?? verdictOfOutcome(entry.outcome);
    if (verdict !== null) {
      return { verdict, version: entry.tested.version, outcome: entry.outcome, runId: entryRunId, ts: null, attempts: entry.attempts ?? [] };
    }
  }
  if (attempt) {
    const verdict = verdictOfOutcome(attempt.outcome);
    if (verdict !== null) return { verdict, version: attempt.version, outcome: attempt.outcome, runId: attempt.runId, ts: attempt.ts, attempts: [] };
  }
  return null;
}

function attemptPart(a: TestAttempt): string {
  const end = a.signal !== null ? a.signal : `exit ${a.exitCode ?? '?'}`;
  return `${end} in ${formatDuration(a.durationMs)}`;
}

/** `regression: 0.7.1+3.4.1 FAILED 2d ago (run R); attempts: exit 1 in 1.2s, exit 1 in 1.1s`. */
export function lastTestText(last: LastTest, now: Date): string {
  const age = last.ts === null ? null : ageSeconds(last.ts, now);
  const when = age === null ? '' : ` ${formatAge(age)} ago`;
  const run = last.runId === null ? '' : ` (run ${last.runId})`;
  const attempts = last.attempts.length > 1 ? `; attempts: ${last.attempts.map(attemptPart).join(', ')}` : '';
  return `${last.verdict}: ${last.version} ${last.outcome}${when}${run}${attempts}`;
}
