export {
  classifyTags,
  compareRecipeVersions,
  isReleaseTag,
  latestRelease,
  parseRecipeVersion,
  releaseProblem,
  upgradeBase,
  versionOfTag,
} from './version.js';
export type {
  Classified,
  IgnoredTag,
  ParseResult,
  RecipeVersion,
  TagRef,
  VersionOptions,
} from './version.js';
export { decide, SAFETY_SKIPS } from './decide.js';
export type { Decision, DecisionInput, ReleaseRef, RunReason, SkipReason, VerdictInput } from './decide.js';
export { appMajorOf, approvalFor, approveCommand, describeBumps, heldBy, isHeldMajor } from './hold.js';
export type { Approval, HeldMajorQuery, HoldPolicy, MajorBump } from './hold.js';
export { isExpired } from './expiry.js';
export {
  DEFAULT_RECHECK_AFTER_DAYS,
  findKnownFailure,
  isFinalVerdict,
  pendingRecheck,
  waiverFor,
} from './verdict.js';
export type { Recheck, VerdictKey, VerdictLine, Waiver } from './verdict.js';
export { isRecipeName, RECIPE_NAME, RECIPE_NAME_SHAPE } from './recipe-name.js';
