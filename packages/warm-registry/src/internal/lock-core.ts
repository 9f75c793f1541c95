import { open, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { LockedError, RegistryError, type LockHolder } from '../errors.js';
import { writeFileAtomic } from '../write-file-atomic.js';
import { ensureDir, readTextOrNull } from './atomic-file.js';
import { fsError, isErrno } from './fs-errors.js';

export type HeldLock = {
  describe(update: { recipe: string | null; phase: string | null }): Promise<void>;
  release(): Promise<void>;
  readonly compromised: Error | null;
};

export type TakeLockOptions = {
  target: string;
  runId: string;
  staleSeconds: number;
  recipe?: string | null;
  onCompromised?: ((error: Error) => void) | undefined;
};

const sidecarSchema = z.object({
  schema: z.literal(1),
  lockId: z.string(),
  pid: z.number().int(),
  host: z.string(),
  runId: z.string(),
  startedAt: z.string(),
  recipe: z.string().nullable(),
  phase: z.string().nullable(),
  updatedAt: z.string(),
});

export const holderPathOf = (target: string) => `${target}.holder.json`;
const lockDirOf = (target: string) => `${target}.lock`;

/**
 * The lock directory's identity. proper-lockfile recreates the directory for every holder and
 * ext4 reuses inode numbers at once, so the birth time is what tells two holders apart.
 */
async function lockIdOf(target: string): Promise<string | null> {
  try {
    const s = await stat(lockDirOf(target), { bigint: true });
    return `${s.ino}-${s.birthtimeNs}`;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw fsError(error, lockDirOf(target), 'inspect the lock');
  }
}

/**
 * Who holds the lock at `target` right now, without taking it: null when nobody does (or the
 * holder went stale), else the holder's self-description (null inside when it wrote none yet).
 */
export async function peekLock(target: string, staleSeconds: number): Promise<{ holder: LockHolder | null } | null> {
  const stale = Math.max(2000, Math.round(staleSeconds * 1000));
  const held = await lockfile.check(target, { stale, realpath: false }).catch((error: unknown) => {
    if (isErrno(error, 'ENOENT')) return false;
    throw fsError(error, target, 'inspect the lock');
  });
  return held ? { holder: await readCurrentHolder(target) } : null;
}

/** Reads the holder's self-description, only if it belongs to the lock that is held right now. */
async function readCurrentHolder(target: string): Promise<LockHolder | null> {
  // The winner describes itself just after it wins; give it a moment before saying "unknown".
  for (let attempt = 0; attempt < 40; attempt++) {
    const lockId = await lockIdOf(target);
    if (lockId === null) return null;
    const text = await readTextOrNull(holderPathOf(target)).catch(() => null);
    const parsed = text === null ? null : sidecarSchema.safeParse(safeJson(text));
    if (parsed?.success && parsed.data.lockId === lockId) {
      const { pid, host, runId, startedAt, recipe, phase } = parsed.data;
      return { pid, host, runId, startedAt, recipe, phase };
    }
    await sleep(25);
  }
  return null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

async function ensureTarget(target: string): Promise<void> {
  await ensureDir(dirname(target));
  try {
    await stat(target);
    return;
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw fsError(error, target, 'inspect the lock file');
  }
  try {
    await (await open(target, 'wx', 0o644)).close();
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw fsError(error, target, 'create the lock file');
  }
}

/** Takes the lock at once or throws LockedError describing who holds it; never waits. */
export async function takeLock(opts: TakeLockOptions): Promise<HeldLock> {
  const { target } = opts;
  if (!Number.isFinite(opts.staleSeconds) || opts.staleSeconds <= 0) {
    throw new RegistryError('INVALID_OPTION', {
      path: target,
      staleSeconds: opts.staleSeconds,
      detail: `Expected staleSeconds to be a positive number of seconds, got ${opts.staleSeconds}; check lockStaleSeconds in the config.`,
    });
  }
  await ensureTarget(target);
  const staleMs = Math.max(2000, Math.round(opts.staleSeconds * 1000));
  let compromised: Error | null = null;
  const onCompromised = (error: Error) => {
    compromised = error;
    try {
      opts.onCompromised?.(error);
    } catch (handlerError) {
      // A throwing handler would run inside proper-lockfile's timer and crash the process.
      process.emitWarning(`onCompromised handler for ${target} threw: ${String(handlerError)}`);
    }
  };

  let unlock: () => Promise<void>;
  try {
    unlock = await lockfile.lock(target, {
      stale: staleMs,
      update: staleMs / 2,
      retries: 0,
      realpath: false,
      onCompromised,
    });
  } catch (error) {
    if (isErrno(error, 'ELOCKED')) {
      throw new LockedError(
        'LOCKED',
        { holder: await readCurrentHolder(target), lockPath: target },
        { cause: error },
      );
    }
    const wrapped = fsError(error, target, 'take the lock');
    throw wrapped.code === 'IO'
      ? new RegistryError(
          'LOCK_FAILED',
          { ...wrapped.data, detail: wrapped.message },
          { cause: error },
        )
      : wrapped;
  }

  const lockId = (await lockIdOf(target)) ?? 'unknown';
  const base = {
    schema: 1 as const,
    lockId,
    pid: process.pid,
    host: hostname(),
    runId: opts.runId,
    startedAt: new Date().toISOString(),
  };
  let chain = Promise.resolve();
  const writeSidecar = (recipe: string | null, phase: string | null) => {
    const content =
      JSON.stringify({ ...base, recipe, phase, updatedAt: new Date().toISOString() }, null, 2) +
      '\n';
    // Serialised so that the last describe() wins even when calls overlap.
    const next = chain.then(() => writeFileAtomic(holderPathOf(target), content));
    chain = next.catch(() => undefined);
    return next;
  };
  try {
    await writeSidecar(opts.recipe ?? null, null);
  } catch (error) {
    await unlock().catch(() => undefined);
    throw error;
  }

  let released = false;
  return {
    get compromised() {
      return compromised;
    },
    async describe({ recipe, phase }) {
      if (compromised) {
        throw new RegistryError(
          'LOCK_COMPROMISED',
          {
            path: target,
            detail: `The lock ${target} was lost (${compromised.message}); another process may hold it now, so its description was not changed.`,
          },
          { cause: compromised },
        );
      }
      if (released) return;
      await writeSidecar(recipe, phase);
    },
    async release() {
      if (released) return;
      released = true;
      await chain;
      if (compromised) return;
      await unlink(holderPathOf(target)).catch(() => undefined);
      try {
        await unlock();
      } catch (error) {
        if (!isErrno(error, 'ERELEASED', 'ENOTACQUIRED'))
          throw fsError(error, target, 'release the lock');
      }
    },
  };
}
