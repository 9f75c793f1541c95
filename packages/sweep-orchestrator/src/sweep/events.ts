import type { Outcome } from '@canon/promote-gate';

/** Progress of a sweep, as the CLI shows it (live view, journal lines or NDJSON). */
export type SweepEvent =
  | { type: 'run-start'; at: string; runId: string; dryRun: boolean; recipes: string[] }
  | { type: 'phase'; at: string; recipe: string; phase: string }
  | { type: 'warning'; at: string; recipe: string | null; message: string }
  | {
      type: 'recipe-done'; at: string; recipe: string; outcome: Outcome; detail: string; durationMs: number;
      /** A failed outcome's log (relative to stateDir) and its telling line (test.failurePattern). */
      evidence?: { log: string; line: string | null };
    }
  | {
      type: 'run-end'; at: string; runId: string; exitCode: number; interrupted: boolean;
      summary: Partial<Record<Outcome, number>>; durationMs: number;
    };

export type SweepEventSink = (event: SweepEvent) => void;
