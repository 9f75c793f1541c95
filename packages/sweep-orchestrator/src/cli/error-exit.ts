import { brandOf } from '@canon/errors';
import { EXIT, type ExitCode } from './exit-codes.js';

const { usage, failed, hollow, locked } = EXIT;

/**
 * The one table from a canon error to the process's exit code (SPEC "CLI", exit codes): by
 * brand, then code. Every code of every exported error class is listed, so a new code is a
 * decision here (error-classes.test.ts checks the table against the classes). Keyed by
 * strings, not classes: importing the classes would load every package on `canon --version`.
 */
export const EXIT_CODE_BY_ERROR = {
  UsageError: { USAGE: usage },
  ConfigError: { CONFIG_INVALID: usage, CONFIG_NOT_FOUND: usage, CONFIG_UNREADABLE: usage },
  SweepError: { UNKNOWN_RECIPE: usage, SWEEP_LOCK_LOST: failed },
  HollowSweepError: { HOLLOW: hollow },
  LockedError: { LOCKED: locked },
  CommandError: { SPAWN_FAILED: failed, TRACK_FAILED: failed, LOG_UNWRITABLE: failed, LOG_DISK_FULL: failed, LOG_WRITE_FAILED: failed },
  RegistryError: {
    CORRUPT_RECORD: failed, UNKNOWN_SCHEMA: failed, INVALID_RECORD: failed, INVALID_NAME: failed,
    INVALID_OPTION: failed, NOT_A_DIRECTORY: failed, READ_ONLY: failed, NO_SPACE: failed,
    PERMISSION_DENIED: failed, RUN_NOT_FOUND: failed, RUN_EXISTS: failed, LOCK_FAILED: failed,
    LOCK_COMPROMISED: failed, IO: failed, LOCK_HELD: failed, LOCK_DIR_MISSING: failed, LOCK_ABORTED: failed,
    SYMLINK_REFUSED: failed,
    // A missing configured registryDir is a config mistake: nothing may run against it.
    REGISTRY_DIR_MISSING: usage,
  },
  ListenError: { LISTEN_FAILED: failed, STATE_UNREADABLE: failed },
  QueueError: { NOT_CONFIGURED: failed, REDIS_UNREACHABLE: failed, BAD_MESSAGE: failed, LOCK_LOST: failed, WORKER_LOST: failed, JOB_FAILED: failed, SUITE_REVISION_MISMATCH: failed },
  MirrorSyncError: {
    INVALID_OPTIONS: failed, INVALID_URL: failed, INVALID_REF: failed, REMOTE_UNAVAILABLE: failed,
    AUTH_FAILED: failed, NOT_FOUND: failed, TIMEOUT: failed, REMOTE_ERROR: failed,
    NO_DEFAULT_BRANCH: failed, BRANCH_NOT_FOUND: failed, FETCH_FAILED: failed, PUSH_REJECTED: failed,
    PUSH_FAILED: failed, FORGE_FAILED: failed, TAG_NOT_FOUND: failed, TAG_MOVED: failed,
    HEAD_MISMATCH: failed, CHECKOUT_FAILED: failed, ABORTED: failed, COMMIT_UNREACHABLE: failed,
  },
  TimerUnitsError: { INVALID_INPUT: failed, PROGRAM_NOT_ON_PATH: failed, WRITE_FAILED: failed },
} as const satisfies Record<string, Record<string, ExitCode>>;

type Described = { message?: unknown; code?: unknown };

export function exitCodeForError(error: unknown): ExitCode {
  const brand = brandOf(error);
  if (brand === null) return failed;
  const byCode: Readonly<Record<string, ExitCode>> | undefined = (EXIT_CODE_BY_ERROR as Record<string, Record<string, ExitCode>>)[brand];
  return byCode?.[String((error as Described).code)] ?? failed;
}

/** The line(s) the top-level catch prints; the messages themselves are worded by each error class. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error) && brandOf(error) === null) return `canon: ${String(error)}`;
  const e = error as Described;
  const brand = brandOf(error);
  if (brand === 'ConfigError') return `canon: ${String(e.message)}\nNothing was written.`;
  if (brand === 'LockedError') return `canon: ${String(e.message)}`;
  // A usage error already starts with the command it is about (`canon sweep: …`).
  if (brand === 'UsageError') return String(e.message);
  const code = typeof e.code === 'string' ? ` [${e.code}]` : '';
  return `canon: ${String(e.message)}${code}`;
}
