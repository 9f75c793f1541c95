// What every renderer reads: one run, the one before it, and the registry as it is now.

import type { AttemptRecord, CanonicalView, HistoryEvent, LockHolder, RecipeRun, RunRecord, VerdictRecord } from '@canon/warm-registry';

export type ReportFormat = 'md' | 'json' | 'html' | 'prom';

export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'json', 'html', 'prom'];

export type ReportContext = {
  run: RunRecord;
  previous: RunRecord | null;
  histories: Record<string, HistoryEvent[]>;
  canonicals: Record<string, CanonicalView | null>;
  schedule: { onCalendar: string };
  now: Date;
  /**
   * Runs older than `previous`, newest first (optional). With them "still FAILED since run X"
   * names the run where the streak began; without them it names `previous`.
   */
  earlier?: RunRecord[];
  /** The state directory the run lives in (optional). */
  stateDir?: string;
} & FleetContext;

/** A failed outcome's evidence: its log (relative to stateDir) and the telling line in it. */
export type Evidence = { log: string; line: string | null };

/**
 * The fleet beside the run (all optional: a context without them describes the run alone).
 * With them every renderer shows every enrolled recipe, however partial the newest run was.
 */
export type FleetContext = {
  /** The enrolled recipes of the config, in any order. */
  enrolled?: string[];
  /** Per recipe, the newest run entry that mentions it (when `run` does not) and its run id. */
  lastSeen?: Record<string, { runId: string; entry: RecipeRun }>;
  /** recipes/<r>/attempt.json per recipe. */
  attempts?: Record<string, AttemptRecord | null>;
  /** The newest line of recipes/<r>/verdicts.jsonl per recipe: its last test's verdict. */
  verdicts?: Record<string, VerdictRecord | null>;
  /** runs/latest-full.json: the newest full sweep; null when none finished; absent: use the runs given. */
  lastFull?: RunRecord | null;
  /** The sweep holding the lock right now (`holder` null while it has not described itself). */
  inProgress?: { holder: LockHolder | null } | null;
  /** Per recipe, the evidence beside its failed outcome. */
  evidence?: Record<string, Evidence>;
  /** The warm volumes now against diskBudgetGiB. */
  disk?: { usedBytes: number; budgetBytes: number | null };
  /** The canon that renders (canon_build_info). */
  canonVersion?: string;
};
