import { basename } from 'node:path';
import { CanonError, type CanonErrorOptions } from '@canon/errors';

export const REGISTRY_ERROR_CODES = [
  'CORRUPT_RECORD',
  'UNKNOWN_SCHEMA',
  'INVALID_RECORD',
  'INVALID_NAME',
  'INVALID_OPTION',
  'NOT_A_DIRECTORY',
  'READ_ONLY',
  'NO_SPACE',
  'PERMISSION_DENIED',
  'RUN_NOT_FOUND',
  'RUN_EXISTS',
  'LOCK_FAILED',
  'LOCK_COMPROMISED',
  'LOCK_HELD',
  'LOCK_DIR_MISSING',
  'LOCK_ABORTED',
  'REGISTRY_DIR_MISSING',
  'SYMLINK_REFUSED',
  'IO',
] as const;

export type RegistryErrorCode = (typeof REGISTRY_ERROR_CODES)[number];

export type RegistryErrorData = {
  path: string;
  /** zod issues or other findings, each with a JSON path, when the problem is the content. */
  issues?: { path: string; message: string }[];
  /** errno code of the underlying system call, when there was one. */
  errno?: string;
  /** What was expected, what was found and what to do: the message. */
  detail: string;
  [key: string]: unknown;
};

/** Every failure of the registry's files and locks but a held lock. */
export class RegistryError extends CanonError<RegistryErrorCode, RegistryErrorData> {
  static override readonly brand = 'RegistryError';
  static override readonly codes = REGISTRY_ERROR_CODES;

  constructor(code: RegistryErrorCode, data: RegistryErrorData, options?: CanonErrorOptions) {
    super(code, data, options, data.detail);
  }
}

export type LockHolder = {
  pid: number;
  host: string;
  runId: string;
  startedAt: string;
  recipe: string | null;
  phase: string | null;
};

export type LockedErrorData = { holder: LockHolder | null; lockPath: string };

/** A lock another process holds; the one place canon words who holds it. */
export class LockedError extends CanonError<'LOCKED', LockedErrorData> {
  static override readonly brand = 'LockedError';
  static override readonly codes = ['LOCKED'] as const;

  constructor(code: 'LOCKED', data: LockedErrorData, options?: CanonErrorOptions) {
    super(code, data, options, describeLocked(data));
  }
}

function describeLocked({ holder, lockPath }: LockedErrorData): string {
  const sweep = basename(lockPath) === 'sweep.lock';
  if (holder === null) {
    return sweep
      ? `another sweep holds ${lockPath} (holder unknown); try again after it finishes`
      : `${lockPath} is held by another process that has not described itself yet; wait for it to finish or retry shortly.`;
  }
  const at =
    holder.recipe === null
      ? 'between recipes'
      : `recipe ${holder.recipe}, phase ${holder.phase ?? '?'}`;
  const who = `pid ${holder.pid} on ${holder.host}, run ${holder.runId}, started ${holder.startedAt}, now at ${at}`;
  return sweep
    ? `another sweep is running: ${who}. Not starting a second one.`
    : `${lockPath} is held by ${who}; wait for it to finish, or end that process if it is wedged.`;
}
