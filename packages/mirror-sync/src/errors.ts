import type { SyncResult } from './types.js';

export type MirrorSyncStage =
  'list-upstream' | 'list-mirror' | 'fetch' | 'push' | 'forge' | 'checkout';

export type MirrorSyncErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_URL'
  | 'INVALID_REF'
  | 'REMOTE_UNAVAILABLE'
  | 'AUTH_FAILED'
  | 'NOT_FOUND'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'REMOTE_ERROR'
  | 'NO_DEFAULT_BRANCH'
  | 'BRANCH_NOT_FOUND'
  | 'FETCH_FAILED'
  | 'PUSH_REJECTED'
  | 'PUSH_FAILED'
  | 'FORGE_FAILED'
  | 'TAG_NOT_FOUND'
  | 'TAG_MOVED'
  | 'HEAD_MISMATCH'
  | 'CHECKOUT_FAILED';

export type MirrorSyncErrorData = {
  recipe: string;
  /** The remote involved, credentials redacted. */
  remote: string;
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
export class MirrorSyncError extends Error {
  override readonly name = 'MirrorSyncError';
  readonly code: MirrorSyncErrorCode;
  readonly stage: MirrorSyncStage;
  readonly data: MirrorSyncErrorData;

  constructor(
    code: MirrorSyncErrorCode,
    stage: MirrorSyncStage,
    data: MirrorSyncErrorData,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.stage = stage;
    this.data = data;
  }
}
