export { listRemoteRefs } from './list-refs.js';
export type { ListRefsContext } from './list-refs.js';
export { syncMirror } from './sync.js';
export { checkoutTag, readCheckoutHead } from './checkout.js';
export { hasRepositoryDir } from './internal/local-repo.js';
export { checkoutCommit } from './checkout-commit.js';
export { redactUrl, validateRemoteUrl } from './url.js';
export { MirrorSyncError } from './errors.js';
export type { MirrorSyncErrorCode, MirrorSyncErrorData, MirrorSyncStage } from './errors.js';
export type {
  CheckoutCommitOptions,
  CheckoutOptions,
  ForgeTarget,
  ListRemoteRefsOptions,
  RemoteAuth,
  RemoteRefs,
  RemoteTag,
  SyncOptions,
  SyncResult,
  SyncWarning,
} from './types.js';
