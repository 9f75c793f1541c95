import {
  listRuns, readLatestFullRun, readLatestRun, readRun, readSweepLock, summarizeOutcomes,
  type RecipeRun, type RunRecord,
} from '@canon/warm-registry';
import type { ResolvedConfig } from '../config/index.js';
import { openConfiguredRegistry, readEvidence, type ReportContext } from '../index.js';
import { canonVersion } from './version.js';

/** How many older runs are read to find the newest entry of a recipe the newest run did not touch. */
const LOOK_BACK = 12;

/** What a report or `canon status` reads: a run, the ones before it, and the fleet now. */
export async function loadReportContext(config: ResolvedConfig, runId: string | null, now = new Date()): Promise<ReportContext | null> {
  const run = runId === null ? await readLatestRun(config.stateDir) : await readRun(config.stateDir, runId);
  return run === null ? null : buildContext(config, run, now);
}

/** `canon status` before the first sweep: no run yet, which the status says (a missed sweep). */
export function emptyRun(): RunRecord {
  return {
    schema: 1, runId: 'none', startedAt: new Date(0).toISOString(), finishedAt: null, dryRun: false,
    interrupted: false, canonVersion: '', exitCode: null, recipes: [], summary: summarizeOutcomes([]),
    disk: { usedBytes: 0, budgetBytes: null },
  };
}

export async function buildContext(config: ResolvedConfig, run: RunRecord, now: Date): Promise<ReportContext> {
  const registry = openConfiguredRegistry(config);
  const ids = await listRuns(config.stateDir).catch(() => [] as string[]);
  const at = ids.indexOf(run.runId);
  const before = at > 0 ? ids.slice(0, at) : at === -1 ? ids : [];
  const older = await Promise.all(before.slice(-LOOK_BACK).reverse().map((id) => readRun(config.stateDir, id).catch(() => null)));
  const earlierRuns = older.filter((r): r is RunRecord => r !== null && r.runId !== run.runId);
  const enrolled = config.recipes.filter((r) => r.enrolled).map((r) => r.name);
  const names = [...new Set([...config.recipes.map((r) => r.name), ...run.recipes.map((r) => r.recipe)])];
  const histories: ReportContext['histories'] = {};
  const canonicals: ReportContext['canonicals'] = {};
  const attempts: NonNullable<ReportContext['attempts']> = {};
  const verdicts: NonNullable<ReportContext['verdicts']> = {};
  const lastSeen: NonNullable<ReportContext['lastSeen']> = {};
  const evidence: NonNullable<ReportContext['evidence']> = {};
  await Promise.all(
    names.map(async (name) => {
      histories[name] = await registry.readHistory(name).catch(() => []);
      canonicals[name] = await registry.readCanonical(name).catch(() => null);
      attempts[name] = await registry.readAttempt(name).catch(() => null);
      verdicts[name] = await registry.readVerdicts(name).then((read) => read.records.at(-1) ?? null, () => null);
      const seen = newestEntry(name, run, earlierRuns);
      if (seen === null) return;
      if (seen.runId !== run.runId) lastSeen[name] = seen;
      const pattern = config.recipes.find((r) => r.name === name)?.failurePattern;
      const found = await readEvidence(config.stateDir, seen.runId, seen.entry, pattern);
      if (found !== null) evidence[name] = found;
    }),
  );
  return {
    run, previous: earlierRuns[0] ?? null, earlier: earlierRuns.slice(1, 6), histories, canonicals,
    schedule: { onCalendar: config.schedule.onCalendar }, now, stateDir: config.stateDir,
    enrolled, lastSeen, attempts, verdicts, evidence,
    lastFull: await readLatestFullRun(config.stateDir).catch(() => null),
    inProgress: await readSweepLock({ stateDir: config.stateDir, staleSeconds: config.lockStaleSeconds }).catch(() => null),
    disk: await registry.diskUsage(config.diskBudgetGiB).catch(() => run.disk),
    canonVersion,
  };
}

/** The newest entry of `recipe` with an outcome: the run's own, else the newest earlier run's. */
function newestEntry(recipe: string, run: RunRecord, earlier: RunRecord[]): { runId: string; entry: RecipeRun } | null {
  for (const r of [run, ...earlier]) {
    const entry = r.recipes.find((e) => e.recipe === recipe);
    if (entry !== undefined && (r === run || (entry.outcome !== null && !r.dryRun))) return { runId: r.runId, entry };
  }
  return null;
}
