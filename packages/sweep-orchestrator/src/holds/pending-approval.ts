import { approveCommand, versionOfTag } from '@canon/trigger';
import type { RecipeRun, RunRecord } from '@canon/warm-registry';

/** A held major waiting for `canon approve` (Renovate's "Pending approval"). */
export type PendingApproval = {
  recipe: string;
  /** The held release. */
  version: string;
  /** The canonical it would replace. */
  canonical: string | null;
  /** The command that releases it. */
  approve: string;
};

/** The held major a recipe's run entry waits on: its decision skipped `held-major`; null otherwise. */
export function pendingApprovalOf(entry: Pick<RecipeRun, 'recipe' | 'decision'> | null): PendingApproval | null {
  const d = entry?.decision ?? null;
  if (entry === null || d === null || d.action !== 'skip' || d.reason !== 'held-major' || d.latest === null) return null;
  const version = versionOfTag(d.latest);
  return { recipe: entry.recipe, version, canonical: d.canonical, approve: approveCommand(entry.recipe, version) };
}

/** The recipes a run skipped `held-major`, with the command that approves each; for reports, status and metrics. */
export function pendingApprovals(run: Pick<RunRecord, 'recipes'>): PendingApproval[] {
  return run.recipes.flatMap((r) => {
    const pending = pendingApprovalOf(r);
    return pending === null ? [] : [pending];
  });
}
