export { startGitServer } from './git-server.js';
export type {
  GitRequestLog,
  GitRequestLogEntry,
  GitServer,
  GitServerFault,
  GitServerOptions,
} from './git-server.js';
export {
  commit,
  copyRefs,
  createBareRepo,
  deleteRef,
  deleteTag,
  moveTag,
  readFileAt,
  readRefs,
  revParse,
  setHead,
  setRef,
  setRefs,
  tag,
  tryRevParse,
} from './repos.js';
export type { BareRepo, CommitOptions, FileContent, TagInfo, TagOptions } from './repos.js';
export { createPullBranch, createRecipeRepo, pushPullRef } from './recipe.js';
export type {
  CreateRecipeRepoOptions,
  PullBranchOptions,
  PullRefOptions,
  RecipeRelease,
  RecipeRepo,
} from './recipe.js';
export { createFleet } from './fleet.js';
export type {
  CreateFleetOptions,
  Fleet,
  FleetRecipe,
  FleetRecipeSpec,
  OpenPullOptions,
} from './fleet.js';
export { startForge } from './forge.js';
export type { AddPullOptions, ForgeOptions, ForgeRequestLogEntry, ForgeStandIn } from './forge.js';
export { FAKE_ABRA_PATH, HANG_TREE_PATH, startWarmHost } from './warm-host.js';
export type {
  WarmDomainSetup,
  WarmDomainState,
  WarmEvent,
  WarmFault,
  WarmHost,
  WarmOp,
} from './warm-host.js';
export { giteaHeaders, giteaTagPayload, postRaw, sendGiteaWebhook } from './webhook.js';
export type { SendWebhookOptions, SignatureMode, TagEventKind, WebhookRepository, WebhookResponse } from './webhook.js';
