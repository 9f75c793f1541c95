// Reading the looser parts of a run record (summary counts, warnings, logs, the gate) as text.

import type { RecipeRun, RunRecord } from '@canon/warm-registry';
import { OUTCOME_ORDER } from './outcomes.js';

export function summaryLine(run: RunRecord): string {
  const parts = OUTCOME_ORDER.flatMap((outcome) => {
    const count = run.summary[outcome] ?? 0;
    return count > 0 ? [`${count} ${outcome}`] : [];
  });
  return parts.length > 0 ? parts.join(' · ') : 'no recipes';
}

export function warningText(warning: RecipeRun['sync']['warnings'][number]): string {
  return `${warning.code}: ${warning.message}`;
}

/**
 * `[step, path]` pairs. run.json stores log paths relative to the run directory; they are
 * shown relative to the state directory (`runs/<runId>/…`), the same on every host.
 */
export function logEntries(entry: RecipeRun, runId: string): [string, string][] {
  return Object.entries(entry.logs).map(([step, path]) => [step, path.startsWith('/') ? path : `runs/${runId}/${path}`]);
}

const GATE_REFUSED = 'gate refused: ';

/**
 * The gate's verdict as run.json lets us see it: the record keeps no separate gate field,
 * but the outcome and its detail (written by deriveOutcome) say whether the gate was
 * reached and, when it refused, carry its excuses. Null when the gate was not reached.
 */
export function gateLine(entry: RecipeRun): string | null {
  switch (entry.outcome) {
    case 'PROMOTED':
      return 'passed';
    case 'GREEN-BUT-PROMOTE-FAILED':
      return entry.detail.startsWith(GATE_REFUSED)
        ? `refused: ${entry.detail.slice(GATE_REFUSED.length)}`
        : 'passed; the warm deploy after it did not succeed';
    case 'FAILED':
      return 'refused: suite-red (the suite did not exit 0)';
    case 'TIMED-OUT':
      return entry.durationsMs.promote !== null ? 'passed; the promote then ran past its limit' : 'not reached: the suite ran past its limit';
    default:
      return null;
  }
}
