import type { TestedRelease } from '../command-values.js';
import type { ResolvedRecipe } from '../config/index.js';

/** Which run of a release's suite this is: the sweep's own, a retry of it, or a baseline run. */
export type TestKind = 'test' | `retry-${number}` | 'baseline';

/**
 * One run of a recipe's cold suite against one release. Everything an executor needs is here,
 * so one on another host can rebuild it: the recipe carries the mirror URL and the test
 * settings, the release its tag and peeled commit (`checkout` is this host's checkout).
 */
export type TestRequest = {
  kind: TestKind;
  recipe: ResolvedRecipe;
  release: TestedRelease;
  upgradeBase: string | null;
  previousVersion: string | null;
  /** The verdict key's suite hash (SPEC "Verdicts"): part of a queued test's job id. */
  suiteRev: string;
  /** What `test.revision` printed on this host (null: not set); absent when the caller does not know it. */
  suiteRevision?: string | null;
  runId: string;
  /** The run's directory: `{runDir}` for the command. */
  runDir: string;
  /** Where this host keeps the run's log of the suite. */
  logFile: string;
  signal: AbortSignal;
};

export type TestResult = {
  /** null when killed by a signal, and always null when canon stopped the suite (its timeout, or aborted). */
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** Past canon's timeout (exitCode null), or exited with one of `test.timeoutExitCodes` (exitCode kept). */
  timedOut: boolean;
  /** Stopped because the sweep was interrupted. */
  aborted: boolean;
  /** The host the suite ran on. */
  host: string;
  /** Queue mode: the `canon worker` host that ran it, for run.json's `tested.worker`. */
  worker?: string;
  /** The end of the suite's stderr, for a report line. */
  logTail: string;
  /** The path of the suite's log on this host (in queue mode: where the worker's full log is, and its tail). */
  log: string;
};

/**
 * Where a test command runs (the executor seam). The pipeline hands it a request and reads
 * the result; it never starts the suite itself. An executor throws only when the suite could
 * not be started at all; a suite that ran and failed is a result.
 */
export type Executor = {
  runTest(request: TestRequest): Promise<TestResult>;
};
