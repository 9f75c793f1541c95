import type { Executor, TestRequest, TestResult } from '../executor/executor.js';
import type { RecipeRecord } from './recipe-record.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The test phase: the executor runs the suite and its result goes on the record. A suite
 * that could not start, or that the sweep's interrupt stopped, is canon's own failure.
 */
export async function runTest(
  executor: Executor,
  request: TestRequest,
  record: RecipeRecord,
): Promise<{ ok: true; result: TestResult } | { ok: false; failure: string }> {
  let result: TestResult;
  try {
    result = await executor.runTest(request);
  } catch (e) {
    return { ok: false, failure: `test could not run: ${message(e)}` };
  }
  record.test = result;
  if (result.aborted) return { ok: false, failure: `interrupted during the test of ${request.release.tag}; its process tree was stopped` };
  return { ok: true, result };
}
