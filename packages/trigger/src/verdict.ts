import { isExpired } from './expiry.js';
import { versionOfTag } from './version.js';

/** What a verdict is about: the tested release and the settings it was tested under. */
export type VerdictKey = { version: string; commit: string; suiteRev: string; promoteRev: string };

/** One line of recipes/<recipe>/verdicts.jsonl, already parsed at the edge. */
export type VerdictLine = {
  ts: string;
  runId: string;
  key: VerdictKey;
  outcome: string;
  final: boolean;
  reason: string | null;
};

/** An approval of kind `recheck`: one more try for the recipe (or just `version`). */
export type Recheck = { ts: string; version?: string };

/** `recipes.R.waive[]`: lets a red of exactly this version (and commit) through. */
export type Waiver = { version: string; commit?: string; reason: string; expires: string };

export const DEFAULT_RECHECK_AFTER_DAYS = 28;

// A failing promote step whose failure says something about the release, not the host:
// the same release under the same promote settings would fail the same way again. `park`
// only fails a promote with `snapshotAfterPark` (otherwise its failure is a warning), so
// a verdict that names it was taken under that setting.
const FINAL_PROMOTE_REASONS = new Set([
  'deploy-failed',
  'unhealthy',
  'verify-failed',
  'verify-mismatch',
  'snapshot-failed',
  'park-failed',
]);

// The host, not the release: these retry next sweep whatever the outcome says.
const HOST_REASONS = new Set(['backup-failed', 'record-write-failed', 'disk-full', 'disk-read-only']);

// Run records write a reason as `code (detail)` or `code: detail`; the code decides.
function reasonCode(reason: string | null): string | null {
  if (reason === null) return null;
  return reason.trim().split(/[\s(:]/, 1)[0] ?? '';
}

/**
 * SPEC "Verdicts": final are `FAILED` and `TIMED-OUT` (matched on version, commit and
 * suiteRev), and `GREEN-BUT-PROMOTE-FAILED` caused by deploy, health, verify, snapshot or
 * (with `snapshotAfterPark`) park (matched on all four). Nothing else: `SYNC-FAILED`,
 * `ERROR`, busy, app-locked, domain-in-use, protected-domain, older-than-canonical, a
 * failed backup, a full or read-only disk all retry next sweep.
 */
export function isFinalVerdict(outcome: string, reason: string | null): boolean {
  const code = reasonCode(reason);
  if (code !== null && HOST_REASONS.has(code)) return false;
  if (outcome === 'FAILED' || outcome === 'TIMED-OUT') return true;
  return outcome === 'GREEN-BUT-PROMOTE-FAILED' && code !== null && FINAL_PROMOTE_REASONS.has(code);
}

/** Whether a final outcome's key includes `promoteRev` (a promote failure) or not (a red suite). */
function matchesPromoteRev(outcome: string): boolean {
  return outcome === 'GREEN-BUT-PROMOTE-FAILED';
}

/**
 * The final verdict that stands for `key`, or null. Among the lines for the same version,
 * commit and suiteRev the last one wins; it stands when it is final (by its own flag *and*
 * by `isFinalVerdict`, so a writer's slip can only cause a re-test, never a skip) and,
 * for a promote failure, was taken under the same `promoteRev`.
 */
export function findKnownFailure(lines: readonly VerdictLine[], key: VerdictKey): VerdictLine | null {
  const version = versionOfTag(key.version);
  let last: VerdictLine | null = null;
  for (const line of lines) {
    if (
      versionOfTag(line.key.version) === version &&
      line.key.commit === key.commit &&
      line.key.suiteRev === key.suiteRev
    ) {
      last = line;
    }
  }
  if (last === null || !last.final || !isFinalVerdict(last.outcome, last.reason)) return null;
  if (matchesPromoteRev(last.outcome) && last.key.promoteRev !== key.promoteRev) return null;
  return last;
}

/** The unexpired waiver for exactly this version (and commit, when it names one), or null. */
export function waiverFor(
  waivers: readonly Waiver[],
  key: Pick<VerdictKey, 'version' | 'commit'>,
  now: Date | null,
): { waiver: Waiver | null; expired: Waiver[] } {
  const version = versionOfTag(key.version);
  const matching = waivers.filter(
    (w) => versionOfTag(w.version) === version && (w.commit === undefined || w.commit === key.commit),
  );
  const live = (w: Waiver): boolean => now !== null && !isExpired(w.expires, now);
  return { waiver: matching.find(live) ?? null, expired: matching.filter((w) => !live(w)) };
}

function time(ts: string): number {
  const t = Date.parse(ts);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/**
 * The recheck not yet used up, for `version`, or null. A recheck is used up by the
 * recipe's next verdict (any key), so only one newer than every verdict line counts.
 */
export function pendingRecheck(
  rechecks: readonly Recheck[],
  lines: readonly VerdictLine[],
  version: string,
): Recheck | null {
  const lastVerdict = lines.reduce((max, l) => Math.max(max, time(l.ts)), Number.NEGATIVE_INFINITY);
  const want = versionOfTag(version);
  return (
    rechecks.find(
      (r) => time(r.ts) > lastVerdict && (r.version === undefined || versionOfTag(r.version) === want),
    ) ?? null
  );
}
