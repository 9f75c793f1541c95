import { setTimeout as sleep } from 'node:timers/promises';
import { acquireAppLock, acquireFlocks, type AppLock, type Flocks } from '@canon/warm-registry';
import type { PromoteSpec, ResolvedConfig } from '../../config/index.js';
import { expandString } from '../../config/index.js';

const APP_LOCK_RETRY_MS = 250;

export type PromoteLocks = { release(): Promise<void> };

export type LockRefusal = {
  /** `app-locked`: held elsewhere; `interrupted`: the sweep stopped while waiting; `lock-failed`: could not be taken at all. */
  reason: 'app-locked' | 'interrupted' | 'lock-failed';
  detail: string;
};

export type LockRequest = {
  config: ResolvedConfig;
  spec: PromoteSpec;
  recipe: string;
  runId: string;
  signal?: AbortSignal | undefined;
};

/** The lock files of `promote.locks` for one recipe, placeholders expanded. */
export function promoteLockPaths(spec: PromoteSpec, recipe: string): string[] {
  return spec.locks.map((path) => expandString(path, { recipe, domain: spec.domain }));
}

/**
 * SPEC "Promote" step 1: canon's app lock of the domain and every `promote.locks` flock (the
 * ones cc-ci's runner takes), all exclusive, waiting up to `promote.lockWaitSeconds` in total.
 * Either every lock is held on return, or none is.
 */
export async function takePromoteLocks(request: LockRequest): Promise<{ ok: true; locks: PromoteLocks } | { ok: false; refusal: LockRefusal }> {
  const { spec, signal } = request;
  const deadline = performance.now() + spec.lockWaitSeconds * 1000;
  let appLock: AppLock;
  try {
    appLock = await takeAppLock(request, deadline);
  } catch (error) {
    return { ok: false, refusal: refusal(error, `the app lock of ${spec.domain}`, signal) };
  }
  let flocks: Flocks;
  try {
    flocks = await acquireFlocks({
      paths: promoteLockPaths(spec, request.recipe),
      waitSeconds: Math.max(0, (deadline - performance.now()) / 1000),
      signal,
    });
  } catch (error) {
    await appLock.release();
    return { ok: false, refusal: refusal(error, 'a promote.locks file', signal) };
  }
  let released: Promise<void> | null = null;
  return {
    ok: true,
    locks: {
      release: () => (released ??= Promise.all([flocks.release(), appLock.release()]).then(() => undefined)),
    },
  };
}

async function takeAppLock(request: LockRequest, deadline: number): Promise<AppLock> {
  for (;;) {
    try {
      return await acquireAppLock({
        stateDir: request.config.stateDir,
        domain: request.spec.domain,
        runId: request.runId,
        staleSeconds: request.config.lockStaleSeconds,
        recipe: request.recipe,
      });
    } catch (error) {
      const held = (error as { name?: unknown }).name === 'LockedError';
      if (!held || performance.now() + APP_LOCK_RETRY_MS > deadline || request.signal?.aborted === true) throw error;
      await sleep(APP_LOCK_RETRY_MS, undefined, request.signal === undefined ? {} : { signal: request.signal }).catch(() => undefined);
    }
  }
}

function refusal(error: unknown, what: string, signal: AbortSignal | undefined): LockRefusal {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (signal?.aborted === true || e.code === 'LOCK_ABORTED') {
    return { reason: 'interrupted', detail: `the sweep was interrupted while waiting for ${what}: ${message}` };
  }
  if (e.name === 'LockedError' || e.code === 'LOCK_HELD') {
    return { reason: 'app-locked', detail: `could not take ${what}: ${message}` };
  }
  return { reason: 'lock-failed', detail: `could not take ${what}: ${message}` };
}
