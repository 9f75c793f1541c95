import { CanonError, type CanonErrorOptions } from '@canon/errors';
import type { SyncResult } from './types.js';

export type MirrorSyncStage =
  'list-upstream' | 'list-mirror' | 'fetch' | 'push' | 'forge' | 'checkout';

export const MIRROR_SYNC_ERROR_CODES = [
  'INVALID_OPTIONS',
  'INVALID_URL',
  'INVALID_REF',
  'REMOTE_UNAVAILABLE',
  'AUTH_FAILED',
  'NOT_FOUND',
  'TIMEOUT',
  'REMOTE_ERROR',
  'NO_DEFAULT_BRANCH',
  'BRANCH_NOT_FOUND',
  'FETCH_FAILED',
  'PUSH_REJECTED',
  'PUSH_FAILED',
  'FORGE_FAILED',
  'TAG_NOT_FOUND',
  'TAG_MOVED',
  'COMMIT_UNREACHABLE',
  'HEAD_MISMATCH',
  'CHECKOUT_FAILED',
  'ABORTED',
] as const;

export type MirrorSyncErrorCode = (typeof MIRROR_SYNC_ERROR_CODES)[number];

export type MirrorSyncErrorData = {
  recipe: string;
  /** The remote involved, credentials redacted. */
  remote: string;
  stage: MirrorSyncStage;
  /** What was expected, what arrived and what to do, credentials redacted: the message. */
  detail: string;
  /** HTTP status, when a server answered. */
  status?: number;
  /** The git command that failed (argv never holds a secret), its cwd, exit code or signal, and its stderr's tail (redacted). */
  argv?: readonly string[];
  cwd?: string;
  exitCode?: number | null;
  signal?: string | null;
  stderrTail?: string;
  /** For refs that failed validation: every offending name. */
  refs?: readonly string[];
  /** Stage `forge`: the mirror sync already happened; this is its result. */
  result?: SyncResult;
};

/** Every failure of `@canon/mirror-sync`: a code, the stage it happened in, structured data and the cause. */
export class MirrorSyncError extends CanonError<MirrorSyncErrorCode, MirrorSyncErrorData> {
  static override readonly brand = 'MirrorSyncError';
  static override readonly codes = MIRROR_SYNC_ERROR_CODES;
  /** Same as `data.stage`, kept at the top for callers that branch on it. */
  readonly stage: MirrorSyncStage;

  constructor(code: MirrorSyncErrorCode, data: MirrorSyncErrorData, options?: CanonErrorOptions) {
    super(code, data, options, data.detail);
    this.stage = data.stage;
  }
}
