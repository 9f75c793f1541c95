import { CanonError, type CanonErrorOptions } from '@canon/errors';

export type QueueErrorCode =
  /** execution.redis is missing: queue mode cannot run. */
  | 'NOT_CONFIGURED'
  /** Redis did not answer within the bound, or the connection gave up. */
  | 'REDIS_UNREACHABLE'
  /** A job or a result read from Redis does not have canon's shape. */
  | 'BAD_MESSAGE'
  /** The worker no longer holds the job's lock: its test was ended, another worker runs the job. */
  | 'LOCK_LOST'
  /** The job lost its worker more often than execution.maxStalls allows: the recipe ends ERROR ("worker lost"). */
  | 'WORKER_LOST'
  /** A worker took the job but could not produce a verdict (checkout, spawn, moved HEAD), or nobody served it. */
  | 'JOB_FAILED'
  /** The worker ran another suite than the sweep host's (`test.revision` differs): the recipe ends ERROR, never a verdict. */
  | 'SUITE_REVISION_MISMATCH';

export type QueueErrorData = {
  /** What was expected and what arrived; the message starts with it. */
  detail: string;
  /** The Redis URL (never with a password: the config refuses one). */
  redis?: string;
  queue?: string;
  jobId?: string;
  waitedMs?: number;
  problems?: string[];
};

const WHAT_TO_DO: Record<QueueErrorCode, string> = {
  NOT_CONFIGURED: 'set execution.redis.url in the config',
  REDIS_UNREACHABLE: 'check that redis-server runs, that this host can reach it, and the password file',
  BAD_MESSAGE: 'the sweep and the workers must run the same canon version',
  LOCK_LOST: 'another worker takes the job over; check the network between this host and Redis',
  WORKER_LOST: "check the worker hosts (`journalctl -u canon-worker`); the next sweep tests the release again",
  JOB_FAILED: "read the worker's log on its host; the next sweep tests the release again",
  SUITE_REVISION_MISMATCH: 'bring the suite (e.g. the cc-ci checkout) on the worker hosts and the sweep host to the same revision; the next sweep tests the release again',
};

/** Failures of queue mode, with a code, structured data and the cause. */
export class QueueError extends CanonError<QueueErrorCode, QueueErrorData> {
  static override readonly brand = 'QueueError';
  static override readonly codes = Object.keys(WHAT_TO_DO) as QueueErrorCode[];

  constructor(code: QueueErrorCode, data: QueueErrorData, options?: CanonErrorOptions) {
    super(code, data, options, `${data.detail}; ${WHAT_TO_DO[code]}`);
  }
}
