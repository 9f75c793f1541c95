import { versionOfTag } from '@canon/trigger';
import type { RunRecord } from '@canon/warm-registry';

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

/** The recipes a run skipped `held-major`, with the command that approves each; for reports, status and metrics. */
export function pendingApprovals(run: Pick<RunRecord, 'recipes'>): PendingApproval[] {
  return run.recipes.flatMap((r) => {
    const d = r.decision;
    if (d === null || d.action !== 'skip' || d.reason !== 'held-major' || d.latest === null) return [];
    const version = versionOfTag(d.latest);
    return [{ recipe: r.recipe, version, canonical: d.canonical, approve: `canon approve --recipe ${r.recipe} --version ${version} --reason <why>` }];
  });
}
