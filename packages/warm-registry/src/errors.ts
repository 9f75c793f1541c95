export type RegistryErrorCode =
  | 'CORRUPT_RECORD'
  | 'UNKNOWN_SCHEMA'
  | 'INVALID_RECORD'
  | 'INVALID_NAME'
  | 'INVALID_OPTION'
  | 'NOT_A_DIRECTORY'
  | 'READ_ONLY'
  | 'NO_SPACE'
  | 'PERMISSION_DENIED'
  | 'RUN_NOT_FOUND'
  | 'RUN_EXISTS'
  | 'LOCK_FAILED'
  | 'LOCK_COMPROMISED'
  | 'LOCK_HELD'
  | 'LOCK_DIR_MISSING'
  | 'LOCK_ABORTED'
  | 'REGISTRY_DIR_MISSING'
  | 'SYMLINK_REFUSED'
  | 'IO';

export type RegistryErrorData = {
  path: string;
  /** zod issues or other findings, each with a JSON path, when the problem is the content. */
  issues?: { path: string; message: string }[];
  /** errno code of the underlying system call, when there was one. */
  errno?: string;
  [key: string]: unknown;
};

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: RegistryErrorCode;
  readonly data: RegistryErrorData;

  constructor(
    code: RegistryErrorCode,
    data: RegistryErrorData,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.data = data;
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

export class LockedError extends Error {
  override readonly name = 'LockedError';
  readonly code = 'LOCKED' as const;
  readonly data: { holder: LockHolder | null; lockPath: string };

  constructor(
    data: { holder: LockHolder | null; lockPath: string },
    options?: { cause?: unknown },
  ) {
    super(describeLocked(data), options);
    this.data = data;
  }
}

function describeLocked({
  holder,
  lockPath,
}: {
  holder: LockHolder | null;
  lockPath: string;
}): string {
  if (!holder) {
    return `${lockPath} is held by another process that has not described itself yet; wait for it to finish or retry shortly.`;
  }
  const where = [
    holder.recipe && `recipe ${holder.recipe}`,
    holder.phase && `phase ${holder.phase}`,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    `${lockPath} is held by pid ${holder.pid} on ${holder.host} (run ${holder.runId}, started ${holder.startedAt}` +
    `${where ? `, ${where}` : ''}); wait for it to finish, or end that process if it is wedged.`
  );
}
