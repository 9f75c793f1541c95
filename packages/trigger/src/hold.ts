import { isExpired } from './expiry.js';
import { parseRecipeVersion, versionOfTag, type RecipeVersion } from './version.js';

/** `hold` in the config (per recipe or in defaults). */
export type HoldPolicy = { major: boolean; appMajor: boolean };

/** An approval of kind `approve` from approvals.jsonl, for exactly `version`. */
export type Approval = { version: string; expires?: string };

/** One major bump that holds a release: the recipe's own major, or the packaged app's. */
export type MajorBump = { kind: 'major' | 'app-major'; from: number; to: number };

export const NO_HOLD: HoldPolicy = { major: false, appMajor: false };

/** The command that releases a held major: quoted in the decision, the reports and `canon status`. */
export function approveCommand(recipe: string, version: string): string {
  return `canon approve --recipe ${recipe} --version ${version} --reason <why>`;
}

const LEADING_DIGITS = /^v?(\d+)/;

/**
 * The packaged app's major: the leading number of the build metadata's first segment
 * (`+1.24.2` → 1, `+v2026.5.1` → 2026), or null when the tag carries none.
 */
export function appMajorOf(version: RecipeVersion): number | null {
  const first = version.build[0];
  const digits = first === undefined ? undefined : LEADING_DIGITS.exec(first)?.[1];
  return digits === undefined ? null : Number(digits);
}

function parsed(version: string | RecipeVersion): RecipeVersion | null {
  if (typeof version !== 'string') return version;
  const result = parseRecipeVersion(version);
  return result.ok ? result.version : null;
}

/**
 * The major bumps from `canonical` to `version` that `policy` holds; empty when it is not
 * held. With no canonical, or one that is not a version, there is no major to be above,
 * so nothing is held (a seed is guarded by the protected-domain row instead).
 */
export function heldBy(
  version: string | RecipeVersion,
  canonical: string | RecipeVersion | null,
  policy: HoldPolicy,
): MajorBump[] {
  const next = parsed(version);
  const base = canonical === null ? null : parsed(canonical);
  if (next === null || base === null) return [];
  const bumps: MajorBump[] = [];
  if (policy.major && next.major > base.major) bumps.push({ kind: 'major', from: base.major, to: next.major });
  if (policy.appMajor) {
    const from = appMajorOf(base);
    const to = appMajorOf(next);
    if (from !== null && to !== null && to > from) bumps.push({ kind: 'app-major', from, to });
  }
  return bumps;
}

/**
 * The approval for exactly `version` (a leading `v` on either side aside) that has not
 * expired at `now`, or null. Without `now`, only approvals without an expiry count.
 */
export function approvalFor(
  version: string,
  approvals: readonly Approval[],
  now: Date | null,
): Approval | null {
  const want = versionOfTag(version);
  return (
    approvals.find(
      (a) =>
        versionOfTag(a.version) === want &&
        (a.expires === undefined || (now !== null && !isExpired(a.expires, now))),
    ) ?? null
  );
}

export type HeldMajorQuery = {
  version: string;
  canonical: string | null;
  hold: HoldPolicy;
  approvals: readonly Approval[];
  now: Date | null;
};

/** True when `version` is a held major with no unexpired approval: "Pending approval". */
export function isHeldMajor(q: HeldMajorQuery): boolean {
  return heldBy(q.version, q.canonical, q.hold).length > 0 && approvalFor(q.version, q.approvals, q.now) === null;
}

/** `recipe major 3 → 4, app major 1 → 2`. */
export function describeBumps(bumps: readonly MajorBump[]): string {
  return bumps.map((b) => `${b.kind === 'major' ? 'recipe' : 'app'} major ${b.from} → ${b.to}`).join(', ');
}
