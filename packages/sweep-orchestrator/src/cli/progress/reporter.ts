import type { SweepEvent } from '../../index.js';

export type ProgressReporter = { event(e: SweepEvent): void; close(): void };

export type ReporterOptions = {
  write: (text: string) => void;
  isTTY: boolean;
  color: boolean;
  json: boolean;
  now?: () => number;
};

export function formatElapsed(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.floor(s - m * 60)).padStart(2, '0')}s`;
}

const OUTCOME_COLOR: Record<string, number> = {
  PROMOTED: 32, SKIPPED: 2, FAILED: 31, 'TIMED-OUT': 31, ERROR: 31, 'GREEN-BUT-PROMOTE-FAILED': 33, 'SYNC-FAILED': 33,
};

export function paintOutcome(outcome: string, color: boolean): string {
  const code = OUTCOME_COLOR[outcome];
  return color && code !== undefined ? `\u001b[${code}m${outcome}\u001b[0m` : outcome;
}

/** One human line per event; shared by the journal reporter and the live view's scrollback. */
export function describeEvent(e: SweepEvent, color: boolean): string | null {
  switch (e.type) {
    case 'run-start':
      return `${e.dryRun ? 'plan' : 'sweep'} ${e.runId}: ${e.recipes.length} recipe(s)`;
    case 'phase':
      return `${e.recipe}: ${e.phase}`;
    case 'warning':
      return `${e.recipe === null ? '' : `${e.recipe}: `}warning: ${e.message}`;
    case 'recipe-done':
      return `${e.recipe}: ${paintOutcome(e.outcome, color)} in ${formatElapsed(e.durationMs)} — ${e.detail}`;
    case 'run-end': {
      const counts = Object.entries(e.summary).filter(([, v]) => v > 0).map(([k, v]) => `${paintOutcome(k, color)} ${v}`).join(', ');
      return `${e.interrupted ? 'interrupted' : 'done'} ${e.runId} in ${formatElapsed(e.durationMs)}: ${counts || 'no recipes'} (exit ${e.exitCode})`;
    }
  }
}

export async function createReporter(opts: ReporterOptions): Promise<ProgressReporter> {
  if (opts.json) return (await import('./ndjson.js')).createNdjsonReporter(opts);
  if (opts.isTTY) return (await import('./live.js')).createLiveReporter(opts);
  return (await import('./plain.js')).createPlainReporter(opts);
}
