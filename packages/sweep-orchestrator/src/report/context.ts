// What every renderer reads: one run, the one before it, and the registry as it is now.

import type { CanonicalView, HistoryEvent, RunRecord } from '@canon/warm-registry';

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
  /** The state directory the run lives in (optional): log paths are then shown absolute. */
  stateDir?: string;
};
