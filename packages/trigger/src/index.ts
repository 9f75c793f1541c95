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
export { decide } from './decide.js';
export type { Decision, DecisionInput, RunReason, SkipReason } from './decide.js';
export { isRecipeName, RECIPE_NAME, RECIPE_NAME_SHAPE } from './recipe-name.js';
