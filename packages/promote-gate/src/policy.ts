import { compareRecipeVersions, isReleaseTag, versionOfTag } from '@canon/trigger';
import type { GateExcuse } from './gate.js';

export type PolicyInput = {
  /** The version asked for, as typed (`v3.6.0+…` and `3.6.0+…` are the same version). */
  version: string;
  /** The recipe's `block` list from the config. */
  block: readonly { version: string; reason: string }[];
  /** The canonical's version, or null when the recipe has none yet. */
  canonical: string | null;
};

/**
 * The config's rules over a promote that did not come from the sweep (whose decision table
 * already skips blocked and older versions): a blocked version never becomes the
 * canonical, and the canonical only moves forward. Every rule broken is its own excuse.
 */
export function policyExcuses(input: PolicyInput): GateExcuse[] {
  const reasons: GateExcuse[] = [];
  const wanted = versionOfTag(input.version);
  const hit = input.block.find((b) => versionOfTag(b.version) === wanted);
  if (hit !== undefined) {
    reasons.push({
      code: 'blocked',
      message: `${input.version} is blocked in the config: ${hit.reason}`,
    });
  }
  const canonical = input.canonical === null ? null : versionOfTag(input.canonical);
  if (
    canonical !== null &&
    isReleaseTag(wanted) &&
    isReleaseTag(canonical) &&
    compareRecipeVersions(wanted, canonical) < 0
  ) {
    reasons.push({
      code: 'older-than-canonical',
      message: `${input.version} is older than the canonical ${input.canonical}; the canonical only moves forward`,
    });
  }
  return reasons;
}
