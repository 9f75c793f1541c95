// Fleet-wide facts every renderer states the same way: the sweep in progress, the disk
// budget, held majors waiting for approval and versions already known to fail.

import type { ReportContext } from '../context.js';
import { versionOfTag } from '@canon/trigger';
import { pendingApprovalOf, type PendingApproval } from '../../holds/pending-approval.js';
import { formatAge, formatBytes, parseTimestamp } from './format.js';
import type { RecipeView } from './view.js';

/** `sweep in progress: run R (pid P on H), gitea: test, for 5m`; null when none runs. */
export function inProgressText(ctx: ReportContext): string | null {
  const held = ctx.inProgress;
  if (held === null || held === undefined) return null;
  const h = held.holder;
  if (h === null) return 'sweep in progress (the holder has not described itself yet)';
  const started = parseTimestamp(h.startedAt);
  const elapsed = started === null ? 'unknown' : formatAge(Math.max(0, Math.floor((ctx.now.getTime() - started.getTime()) / 1000)));
  const where = h.recipe === null ? 'starting' : `${h.recipe}: ${h.phase ?? 'running'}`;
  return `sweep in progress: run ${h.runId} (pid ${h.pid} on ${h.host}), ${where}, for ${elapsed}`;
}

export type DiskState = { usedBytes: number; budgetBytes: number | null; over: boolean };

/** The warm volumes against the budget, now when the context measured it, else as the run recorded. */
export function diskState(ctx: ReportContext): DiskState {
  const disk = ctx.disk ?? ctx.run.disk;
  return { ...disk, over: disk.budgetBytes !== null && disk.usedBytes > disk.budgetBytes };
}

export function diskWarning(ctx: ReportContext): string | null {
  const d = diskState(ctx);
  if (!d.over || d.budgetBytes === null) return null;
  return `warm volumes use ${formatBytes(d.usedBytes)} of the ${formatBytes(d.budgetBytes)} budget (diskBudgetGiB): new recipes are not seeded (disk-budget) until space is freed; advances still run`;
}

/** Held majors that wait for `canon approve`, as the newest decision of each recipe says. */
export function pendingApproval(views: RecipeView[]): (RecipeView & { pending: PendingApproval })[] {
  return views.flatMap((v) => {
    const pending = pendingApprovalOf(v.entry);
    return pending === null ? [] : [{ ...v, pending }];
  });
}

/** Recipes whose newest release already failed and is not re-tested (known-failed skips). */
export function knownFailures(views: RecipeView[]): RecipeView[] {
  return views.filter((v) => v.knownFailed);
}

/** `last test 0.7.1+3.4.1 FAILED 2d ago` for a recipe whose last test did not end PROMOTED; null otherwise. */
export function attemptText(view: RecipeView, now: Date): string | null {
  const a = view.attempt;
  if (a === null || a.outcome === 'PROMOTED') return null;
  const at = parseTimestamp(a.ts);
  const age = at === null ? 'at an unknown time' : `${formatAge(Math.max(0, Math.floor((now.getTime() - at.getTime()) / 1000)))} ago`;
  return `last test ${a.version} ${a.outcome} ${age} (run ${a.runId})`;
}

/** Whether the newest release is not the canonical (canon_recipe_behind); null when unknown. */
export function isBehind(view: RecipeView): boolean | null {
  if (view.latest === null) return null;
  return view.canonicalVersion === null || versionOfTag(view.latest) !== versionOfTag(view.canonicalVersion);
}
