import type { CanonicalView } from '@canon/warm-registry';
import type { TestedRelease } from '../command-values.js';
import type { ResolvedRecipe } from '../config/index.js';

/** A tested, gated release to put on the recipe's warm canonical. */
export type PromoteRequest = {
  recipe: ResolvedRecipe;
  /** `commit` is the tag's own (peeled) commit: that is what gets recorded. */
  tested: TestedRelease;
  upgradeBase: string | null;
  canonicalBefore: CanonicalView | null;
  runId: string;
  runDir: string;
  signal?: AbortSignal;
  onPhase?: (phase: string) => void;
  /** When the test this promote follows started: a test command's own record must not be older. */
  testStartedAt?: Date;
};

export type PromoteResult = {
  ok: boolean;
  timedOut: boolean;
  /** e.g. 'protected-domain', 'deploy-failed', 'unhealthy', 'verify-mismatch', 'snapshot-failed', 'timed-out'. */
  reason: string | null;
  mode: 'seed' | 'advance';
  rollback: { attempted: boolean; healthy: boolean | null; reason: string | null } | null;
  warnings: string[];
  warmVolumeBytes: number | null;
  durationMs: number;
  /** A sentence for the report: what failed and how. */
  detail?: string;
  /** `by: "test"`: the record the test command wrote and canon verified as this run's. */
  recordedByTest?: { version: string; commit: string; ts: string };
};

/**
 * Who deploys the warm canonical (the promoter seam). Whatever deploys it, the outcome is
 * read from the registry afterwards, never from this result alone.
 */
export type Promoter = {
  promote(request: PromoteRequest): Promise<PromoteResult>;
};
