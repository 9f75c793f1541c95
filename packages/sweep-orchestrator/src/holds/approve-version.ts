import { userInfo } from 'node:os';
import { isExpired, isReleaseTag, versionOfTag } from '@canon/trigger';
import type { ApprovalRecord } from '@canon/warm-registry';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { openConfiguredRegistry } from '../open-registry.js';

export type ApproveOptions = {
  config: ResolvedConfig;
  recipe: ResolvedRecipe;
  version: string;
  reason: string;
  /** ISO date or timestamp; a date lasts to the end of that UTC day. */
  expires?: string;
  now?: Date;
};

export type ApproveResult = { approved: true; record: ApprovalRecord } | { approved: false; reasons: string[] };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The user running canon: who approved, as approvals.jsonl records it. */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

/**
 * `canon approve`: records an approval of exactly `version` (a held major then runs on the next
 * sweep). Refuses, writing nothing, a version that is not a release, an empty reason and an
 * expiry that is not a date or already past.
 */
export async function approveVersion(opts: ApproveOptions): Promise<ApproveResult> {
  const now = opts.now ?? new Date();
  const version = versionOfTag(opts.version);
  const reasons: string[] = [];
  if (!opts.recipe.enrolled) reasons.push(`${opts.recipe.name} is not enrolled; nothing of it is ever held`);
  if (!isReleaseTag(opts.version, { includePrereleases: opts.config.includePrereleases })) {
    reasons.push(`"${opts.version}" is not a release version (expected e.g. 11.0.0+26.0.0)`);
  }
  if (opts.reason.trim() === '') reasons.push('--reason must say why the major is approved');
  if (opts.expires !== undefined) {
    if (!ISO_DATE.test(opts.expires) && !ISO_TIME.test(opts.expires)) reasons.push(`--expires "${opts.expires}" is not an ISO date (2026-12-31) or timestamp`);
    else if (isExpired(opts.expires, now)) reasons.push(`--expires ${opts.expires} is already past`);
  }
  if (reasons.length > 0) return { approved: false, reasons };
  const record: ApprovalRecord = {
    schema: 1, ts: now.toISOString(), kind: 'approve', version, who: currentUser(), reason: opts.reason.trim(),
    ...(opts.expires === undefined ? {} : { expires: opts.expires }),
  };
  await openConfiguredRegistry(opts.config).appendApproval(opts.recipe.name, record);
  return { approved: true, record };
}
