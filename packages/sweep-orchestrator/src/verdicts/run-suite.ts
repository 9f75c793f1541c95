import type { TestAttempt, TestVerdict } from '@canon/warm-registry';
import type { Executor, TestRequest, TestResult } from '../executor/executor.js';

export type SuiteRun = {
  /** The last attempt: the one that decides green or red. */
  result: TestResult;
  /** Every attempt in order, the first try first. */
  attempts: TestResult[];
  testVerdict: TestVerdict;
};

const isRed = (r: TestResult): boolean => r.exitCode !== 0 && !r.timedOut && !r.aborted;

/**
 * The suite, then up to `test.retries` re-runs of a red (never of a timeout or an
 * interrupt) through the executor in the same checkout, each with its own log. Red then
 * green is `flaky`. Throws only when the executor could not start a run.
 */
export async function runSuite(
  executor: Executor,
  request: TestRequest,
  logFor: (step: string) => string,
): Promise<SuiteRun> {
  let result = await executor.runTest(request);
  const attempts = [result];
  for (let n = 1; n <= request.recipe.test.retries && isRed(result) && !request.signal.aborted; n++) {
    const kind = `retry-${n}` as const;
    result = await executor.runTest({ ...request, kind, logFile: logFor(kind) });
    attempts.push(result);
  }
  return { result, attempts, testVerdict: verdictOf(result, attempts.length) };
}

function verdictOf(last: TestResult, count: number): TestVerdict {
  if (last.timedOut) return 'timed-out';
  if (last.exitCode === 0) return count > 1 ? 'flaky' : 'green';
  return 'red';
}

/** An attempt as run.json and verdicts.jsonl hold it: the log relative to the run directory. */
export function attemptOf(result: TestResult, relativeLog: (file: string) => string): TestAttempt {
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    durationMs: Math.round(result.durationMs),
    log: relativeLog(result.log),
  };
}
