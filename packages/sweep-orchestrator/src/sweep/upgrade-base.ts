import { compareRecipeVersions, upgradeBase } from '@canon/trigger';

/**
 * SPEC "Commands": `CANON_UPGRADE_BASE` is the canonical's version when it is older than the
 * tested one (the last known-good, what operators actually run) — not a newer release that
 * failed — else the newest release older than the tested one, else empty.
 */
export function chooseUpgradeBase(
  canonicalVersion: string | null,
  tagNames: readonly string[],
  tested: string,
  includePrereleases: boolean,
): string | null {
  if (canonicalVersion !== null && olderThan(canonicalVersion, tested)) return canonicalVersion;
  return upgradeBase(tagNames, tested, { includePrereleases });
}

function olderThan(a: string, b: string): boolean {
  try {
    return compareRecipeVersions(a, b) < 0;
  } catch {
    // A legacy canonical whose version does not parse cannot be ordered; fall back to the tags.
    return false;
  }
}
