import { join, resolve } from 'node:path';
import { checkName } from './internal/names.js';
import { takeLock } from './internal/lock-core.js';

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
};

/** Takes `<stateDir>/sweep.lock` at once, or throws LockedError naming the holder. */
export async function acquireSweepLock(opts: SweepLockOptions): Promise<SweepLock> {
  return takeLock({
    target: join(resolve(opts.stateDir), 'sweep.lock'),
    runId: checkName('runId', opts.runId),
    staleSeconds: opts.staleSeconds,
    onCompromised: opts.onCompromised,
  });
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
