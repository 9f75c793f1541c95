import { listRuns, readRun } from '@canon/warm-registry';

/** How far back a restarted sweep looks: each crash in a row adds one run. */
const MAX_RUNS = 10;

/**
 * The runs just before `runId` that were interrupted, newest first (dry runs are passed
 * over). SPEC: only a run that was interrupted adopts its own finished jobs; a chain of
 * crashes counts, since a run that adopted a job never enqueued one of its own.
 */
export async function interruptedRunsBefore(stateDir: string, runId: string): Promise<string[]> {
  const earlier = (await listRuns(stateDir)).filter((id) => id !== runId && id < runId).reverse();
  const found: string[] = [];
  for (const id of earlier) {
    if (found.length >= MAX_RUNS) break;
    let run;
    try {
      run = await readRun(stateDir, id);
    } catch {
      break;
    }
    if (run.dryRun) continue;
    if (!run.interrupted) break;
    found.push(id);
  }
  return found;
}
