import type { SweepEvent } from '../../index.js';

export type ProgressReporter = { event(e: SweepEvent): void; close(): void };

export type ReporterOptions = {
  write: (text: string) => void;
  isTTY: boolean;
  color: boolean;
  json: boolean;
  /** stdout goes to the journal (JOURNAL_STREAM set): plain lines carry sd-daemon priority prefixes. */
  journal?: boolean;
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
    case 'recipe-done': {
      const evidence = e.evidence === undefined ? '' : ` — log ${e.evidence.log}${e.evidence.line === null ? '' : `: ${e.evidence.line}`}`;
      return `${e.recipe}: ${paintOutcome(e.outcome, color)} in ${formatElapsed(e.durationMs)} — ${e.detail}${evidence}`;
    }
    case 'run-end': {
      const counts = Object.entries(e.summary).filter(([, v]) => v > 0).map(([k, v]) => `${paintOutcome(k, color)} ${v}`).join(', ');
      return `${e.interrupted ? 'interrupted' : 'done'} ${e.runId} in ${formatElapsed(e.durationMs)}: ${counts || 'no recipes'} (exit ${e.exitCode})`;
    }
  }
}

const ERROR_OUTCOMES = new Set(['FAILED', 'TIMED-OUT', 'ERROR', 'GREEN-BUT-PROMOTE-FAILED', 'SYNC-FAILED']);

/** sd-daemon(3) priority of an event's line: `<3>` a failed outcome, `<4>` a warning, `<6>` the rest. */
export function journalPriority(e: SweepEvent): '<3>' | '<4>' | '<6>' {
  if (e.type === 'recipe-done') return ERROR_OUTCOMES.has(e.outcome) || (e.outcome === 'SKIPPED' && e.detail.startsWith('infra-degraded')) ? '<3>' : '<6>';
  if (e.type === 'warning') return '<4>';
  if (e.type === 'run-end') return e.exitCode === 0 ? '<6>' : '<4>';
  return '<6>';
}

export async function createReporter(opts: ReporterOptions): Promise<ProgressReporter> {
  if (opts.json) return (await import('./ndjson.js')).createNdjsonReporter(opts);
  if (opts.isTTY) return (await import('./live.js')).createLiveReporter(opts);
  return (await import('./plain.js')).createPlainReporter(opts);
}
