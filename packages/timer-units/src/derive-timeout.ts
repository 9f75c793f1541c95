/** The per-recipe limits of one enrolled recipe, from the config's `test` and `promote`. */
export type RecipeLimits = { testSeconds: number; promoteSeconds: number };

export type UnitLimits = {
  /** Taken as is when given; otherwise derived from `recipes`. */
  timeoutStartSec?: number;
  /** One entry per enrolled recipe. */
  recipes?: readonly RecipeLimits[];
  /** The config's `killGraceSeconds` (default 30). */
  killGraceSeconds?: number;
};

export const DEFAULT_KILL_GRACE_SECONDS = 30;
// Sync, ref listing, checkout and reports around the tests: a fixed allowance per sweep
// plus one per recipe. Generous on purpose: the timeout exists to end a sweep that hangs
// for days, not to race a slow one.
export const SWEEP_OVERHEAD_SECONDS = 300;
export const RECIPE_OVERHEAD_SECONDS = 60;

/**
 * TimeoutStartSec for the sweep. A oneshot service has no start timeout by default, so
 * a hung sweep would hold the sweep lock and block every later timer fire. The bound is
 * the sweep run serially: per recipe its test and promote limits, each of which may run
 * `killGraceSeconds` past its limit before the SIGKILL, plus the overhead above.
 * The same formula is in nix/module.nix.
 */
export function deriveTimeoutStartSec(limits: UnitLimits): number {
  if (limits.timeoutStartSec !== undefined) return Math.ceil(limits.timeoutStartSec);
  const grace = limits.killGraceSeconds ?? DEFAULT_KILL_GRACE_SECONDS;
  const recipes = limits.recipes ?? [];
  const perRecipe = recipes.reduce(
    (sum, r) => sum + r.testSeconds + r.promoteSeconds + 2 * grace + RECIPE_OVERHEAD_SECONDS,
    0,
  );
  return Math.ceil(SWEEP_OVERHEAD_SECONDS + perRecipe);
}

/** TimeoutStopSec: canon, on SIGTERM, stops its children (SIGKILL after the grace) and writes run.json. */
export function deriveTimeoutStopSec(limits: UnitLimits): number {
  return Math.ceil((limits.killGraceSeconds ?? DEFAULT_KILL_GRACE_SECONDS) + 30);
}
