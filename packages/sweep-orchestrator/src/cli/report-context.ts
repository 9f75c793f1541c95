import { listRuns, readLatestRun, readRun, summarizeOutcomes, type RunRecord } from '@canon/warm-registry';
import type { ResolvedConfig } from '../config/index.js';
import type { ReportContext } from '../report/index.js';
import { openConfiguredRegistry } from '../index.js';

/** What a report or `canon status` reads: a run, the one before it, and the registry now. */
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
  const older = await Promise.all(before.slice(-6).reverse().map((id) => readRun(config.stateDir, id).catch(() => null)));
  const earlierRuns = older.filter((r): r is RunRecord => r !== null && r.runId !== run.runId);
  const names = [...new Set([...config.recipes.map((r) => r.name), ...run.recipes.map((r) => r.recipe)])];
  const histories: ReportContext['histories'] = {};
  const canonicals: ReportContext['canonicals'] = {};
  await Promise.all(
    names.map(async (name) => {
      histories[name] = await registry.readHistory(name).catch(() => []);
      canonicals[name] = await registry.readCanonical(name).catch(() => null);
    }),
  );
  return {
    run, previous: earlierRuns[0] ?? null, earlier: earlierRuns.slice(1), histories, canonicals,
    schedule: { onCalendar: config.schedule.onCalendar }, now, stateDir: config.stateDir,
  };
}
