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
export { startRedisServer } from './redis-server.js';
export type { RedisServer } from './redis-server.js';
export { giteaHeaders, giteaTagPayload, postRaw, sendGiteaWebhook } from './webhook.js';
export type { SendWebhookOptions, SignatureMode, TagEventKind, WebhookRepository, WebhookResponse } from './webhook.js';
export { createCcciHost, CCCI_RUN_PATH, CCCI_RUNNER_PATH } from './ccci/host.js';
export type { CcciHost, CcciRecipeBehaviour, CreateCcciHostOptions, RunnerResult } from './ccci/host.js';
export { CCCI_REGISTRY_READER_PATH, readCiWarmRegistry, seedCiWarmRegistry } from './ccci/ci-warm-registry.js';
export type { CiWarmRegistryView, CiWarmSeed } from './ccci/ci-warm-registry.js';
export { openFileSwarm } from './ccci/file-swarm.js';
export type { FileSwarm, SwarmDomainState, SwarmEvent } from './ccci/file-swarm.js';
