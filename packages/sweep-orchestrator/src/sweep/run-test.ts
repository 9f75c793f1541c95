import type { Executor, TestRequest } from '../executor/executor.js';
import { runSuite, type SuiteRun } from '../verdicts/run-suite.js';
import type { RecipeRecord } from './recipe-record.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The test phase: the executor runs the suite (and its retries) and the last result goes on
 * the record. A suite that could not start, or that the sweep's interrupt stopped, is
 * canon's own failure.
 */
export async function runTest(
  executor: Executor,
  request: TestRequest,
  record: RecipeRecord,
  logFor: (step: string) => string,
): Promise<{ ok: true; suite: SuiteRun } | { ok: false; failure: string }> {
  let suite: SuiteRun;
  try {
    suite = await runSuite(executor, request, logFor);
  } catch (e) {
    return { ok: false, failure: `test could not run: ${message(e)}` };
  }
  record.test = suite.result;
  if (suite.result.aborted) return { ok: false, failure: `interrupted during the test of ${request.release.tag}; its process tree was stopped` };
  return { ok: true, suite };
}
