import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockedError } from './errors.js';
import { checkName } from './internal/names.js';
import type { LockHolder } from './errors.js';
import { peekLock, takeLock, type HeldLock, type TakeLockOptions } from './internal/lock-core.js';

export interface SweepLock {
  /** Updates what the lock says about its holder (shown to a second sweep that is refused). */
  describe(update: { recipe: string | null; phase: string | null }): Promise<void>;
  release(): Promise<void>;
  /** The error proper-lockfile reported if the lock was lost while held, else null. */
  readonly compromised: Error | null;
}

export type SweepLockOptions = {
  stateDir: string;
  runId: string;
  /** A holder that stops refreshing the lock (e.g. SIGKILLed) stops blocking after this long; min 2 s. */
  staleSeconds: number;
  onCompromised?: ((error: Error) => void) | undefined;
  /** Keep trying this long while another sweep holds the lock (default 0: refuse at once). */
  waitSeconds?: number | undefined;
  /** Stops the wait early; the last LockedError is thrown. */
  signal?: AbortSignal | undefined;
};

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2000;

/**
 * Takes `<stateDir>/sweep.lock`, or throws LockedError naming the holder: at once, or after
 * `waitSeconds` of retrying with backoff (the weekly timer waits out a webhook-triggered sweep).
 */
export async function acquireSweepLock(opts: SweepLockOptions): Promise<SweepLock> {
  const take: TakeLockOptions = {
    target: join(resolve(opts.stateDir), 'sweep.lock'),
    runId: checkName('runId', opts.runId),
    staleSeconds: opts.staleSeconds,
    onCompromised: opts.onCompromised,
  };
  return takeWaiting(take, opts.waitSeconds ?? 0, opts.signal);
}

/**
 * The sweep in progress, read without taking the lock (for `canon status`): null when none runs;
 * `holder` is null while the holder has not described itself yet.
 */
export async function readSweepLock(opts: { stateDir: string; staleSeconds: number }): Promise<{ holder: LockHolder | null } | null> {
  return peekLock(join(resolve(opts.stateDir), 'sweep.lock'), opts.staleSeconds);
}

async function takeWaiting(
  take: TakeLockOptions,
  waitSeconds: number,
  signal: AbortSignal | undefined,
): Promise<HeldLock> {
  const deadline = Date.now() + Math.max(0, waitSeconds) * 1000;
  let delay = FIRST_RETRY_MS;
  for (;;) {
    try {
      return await takeLock(take);
    } catch (error) {
      const left = deadline - Date.now();
      if (!(error instanceof LockedError) || left <= 0 || signal?.aborted === true) throw error;
      const aborted = await sleep(
        Math.min(delay, left),
        false,
        signal === undefined ? {} : { signal },
      ).catch(() => true);
      if (aborted === true) throw error;
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }
}

export type AppLockOptions = {
  stateDir: string;
  domain: string;
  runId: string;
  staleSeconds: number;
  recipe?: string | undefined;
  onCompromised?: ((error: Error) => void) | undefined;
};

export interface AppLock {
  release(): Promise<void>;
  readonly compromised: Error | null;
}

/** Takes `<stateDir>/locks/app-<domain>.lock` (deploy/teardown of one warm domain) at once, or throws LockedError. */
export async function acquireAppLock(opts: AppLockOptions): Promise<AppLock> {
  const domain = checkName('domain', opts.domain);
  const lock = await takeLock({
    target: join(resolve(opts.stateDir), 'locks', `app-${domain}.lock`),
    runId: checkName('runId', opts.runId),
    staleSeconds: opts.staleSeconds,
    recipe: opts.recipe === undefined ? null : checkName('recipe', opts.recipe),
    onCompromised: opts.onCompromised,
  });
  return {
    release: () => lock.release(),
    get compromised() {
      return lock.compromised;
    },
  };
}
