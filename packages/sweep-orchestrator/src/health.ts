import type { HealthSpec } from './config/index.js';
import { longSleep } from './internal/long-timeout.js';

export type HealthResult = { healthy: boolean; lastStatus: number | null; attempts: number; reason: string | null };

/** No single request may hang the poll; a slow answer counts as a failed attempt. */
const MAX_REQUEST_MS = 10_000;
const MAX_BODY_CHARS = 1 << 20;

/**
 * Polls `spec.url` until it answers with an expected status and a body that does not match
 * `rejectBodyPattern`, or until `timeoutSeconds` pass. Redirects are not followed, so a 301 or
 * 302 is judged as a status of its own (a login redirect is a healthy app).
 */
export async function pollHealth(
  spec: HealthSpec,
  opts: { signal?: AbortSignal; onAttempt?: (line: string) => void } = {},
): Promise<HealthResult> {
  const deadline = performance.now() + spec.timeoutSeconds * 1000;
  const reject = spec.rejectBodyPattern === null ? null : new RegExp(spec.rejectBodyPattern);
  let attempts = 0;
  let lastStatus: number | null = null;
  let lastProblem = 'no attempt was made';
  for (;;) {
    if (opts.signal?.aborted === true) {
      return { healthy: false, lastStatus, attempts, reason: `interrupted after ${attempts} attempts (last: ${lastProblem})` };
    }
    attempts += 1;
    const remaining = Math.max(1, deadline - performance.now());
    const cutByDeadline = remaining < MAX_REQUEST_MS;
    const signals = [AbortSignal.timeout(Math.ceil(Math.min(MAX_REQUEST_MS, remaining)))];
    if (opts.signal !== undefined) signals.push(opts.signal);
    try {
      const response = await fetch(spec.url, { redirect: 'manual', signal: AbortSignal.any(signals) });
      lastStatus = response.status;
      const body = (await response.text()).slice(0, MAX_BODY_CHARS);
      if (!spec.expectStatus.includes(response.status)) {
        lastProblem = `status ${response.status}, expected one of ${spec.expectStatus.join(', ')}`;
      } else if (reject !== null && reject.test(body)) {
        lastProblem = `status ${response.status} but the body matches rejectBodyPattern /${spec.rejectBodyPattern}/`;
      } else {
        opts.onAttempt?.(`health: ${spec.url} answered ${response.status} (attempt ${attempts}): healthy`);
        return { healthy: true, lastStatus, attempts, reason: null };
      }
    } catch (error) {
      const problem = describeFetchError(error);
      // A request cut short by the overall deadline says nothing new; keep what the app last said.
      const keepEarlier = problem === 'no answer in time' && cutByDeadline && lastStatus !== null;
      if (!keepEarlier) lastProblem = problem;
    }
    opts.onAttempt?.(`health: ${spec.url} attempt ${attempts}: ${lastProblem}`);
    // Another attempt only when a whole interval still fits: a last request squeezed into the
    // final milliseconds would only ever report "no answer in time" and hide the real problem.
    const wait = spec.intervalSeconds * 1000;
    if (deadline - performance.now() <= wait) break;
    try {
      await longSleep(Math.ceil(wait), opts.signal);
    } catch {
      continue;
    }
  }
  return {
    healthy: false,
    lastStatus,
    attempts,
    reason: `not healthy after ${spec.timeoutSeconds} s and ${attempts} attempts (last: ${lastProblem})`,
  };
}

function describeFetchError(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer in time';
  if (e.name === 'AbortError') return 'interrupted';
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
