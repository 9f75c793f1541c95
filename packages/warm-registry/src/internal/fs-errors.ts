import { RegistryError, type RegistryErrorCode } from '../errors.js';

type ErrnoLike = { code?: unknown; message?: unknown };

function errnoOf(error: unknown): string | undefined {
  const code = (error as ErrnoLike | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const errnoCodes: Record<string, RegistryErrorCode> = {
  EROFS: 'READ_ONLY',
  ENOSPC: 'NO_SPACE',
  EDQUOT: 'NO_SPACE',
  ENOTDIR: 'NOT_A_DIRECTORY',
  EACCES: 'PERMISSION_DENIED',
  EPERM: 'PERMISSION_DENIED',
};

const advice: Partial<Record<RegistryErrorCode, string>> = {
  READ_ONLY:
    'the file system is read-only; point stateDir at a writable directory or remount it read-write',
  NO_SPACE: 'the disk is full; free space under stateDir and run again',
  NOT_A_DIRECTORY: 'a path component is a file where a directory was expected; move that file away',
  PERMISSION_DENIED: 'canon may not write there; fix the ownership or mode of stateDir',
};

/** Turns a failed system call into a RegistryError that names the file and what to do. */
export function fsError(error: unknown, path: string, doing: string): RegistryError {
  if (RegistryError.is(error)) return error;
  const errno = errnoOf(error);
  const code = (errno && errnoCodes[errno]) || 'IO';
  const reason = (error as ErrnoLike | null)?.message;
  return new RegistryError(
    code,
    {
      path,
      ...(errno ? { errno } : {}),
      detail: `Could not ${doing} ${path}: ${typeof reason === 'string' ? reason : String(error)}; ${advice[code] ?? 'check the disk and the path'}.`,
    },
    { cause: error },
  );
}

export function isErrno(error: unknown, ...codes: string[]): boolean {
  const errno = errnoOf(error);
  return errno !== undefined && codes.includes(errno);
}
