import { suiteRevOf } from '../verdicts/revisions.js';
import type { TestRequest } from './executor.js';

/**
 * SPEC "Verdicts": a queued test counts only when the worker ran the sweep's suite. The check
 * is the verdict key itself: the worker's `test.revision` output, hashed with the sweep's test
 * settings, must give the request's suiteRev. Returns the problem, or null when they agree.
 */
export function suiteRevisionMismatch(request: TestRequest, worker: string, reported: string | null | undefined): string | null {
  const settings = request.recipe.test;
  if (reported === undefined) {
    if (settings.revision === null) return null;
    return `suite-revision-mismatch: worker ${worker} did not report its suite revision (a canon older than the sweep host's?), so its result may come from another suite; untested`;
  }
  if (suiteRevOf(settings, reported) === request.suiteRev) return null;
  const sweepSide = request.suiteRevision === undefined
    ? `the sweep host's suiteRev ${request.suiteRev.slice(0, 12)}`
    : request.suiteRevision === null ? 'the sweep host sets no test.revision' : `the sweep host's is ${JSON.stringify(request.suiteRevision)}`;
  const workerSide = reported === null ? `worker ${worker} sets no test.revision` : `worker ${worker} ran the suite at revision ${JSON.stringify(reported)}`;
  return `suite-revision-mismatch: ${workerSide}, ${sweepSide}; the result belongs to another suite, so it is no verdict and nothing is promoted`;
}
