/** A token for a remote; sent as HTTP Basic (`username`, default `canon`, and the token as password). */
export type RemoteAuth = { token: string; username?: string } | null;

/** A tag as listed: `commit` is the peeled commit, `oid` what the ref holds (the tag object for annotated tags). */
export type RemoteTag = { name: string; commit: string; oid?: string };

export type RemoteRefs = {
  /** The branch `HEAD` points at (e.g. `main`), or null when the server does not say. */
  head: string | null;
  /** Branch name → commit. */
  branches: Record<string, string>;
  /** Tags, peeled, in the server's order. */
  tags: RemoteTag[];
  /** Open-or-not PR heads the forge keeps as `refs/pull/<n>/head`: number → commit. */
  pulls?: Record<number, string>;
};

export type ListRemoteRefsOptions = {
  auth?: RemoteAuth;
  timeoutMs?: number;
  /** Aborting stops the listing at once (code `ABORTED`). */
  signal?: AbortSignal;
};

/** The mirror's forge: `owner/repo` is the mirror URL's path without `.git`. */
export type ForgeTarget = { url: string; token: string; owner: string; repo: string };

export type SyncOptions = {
  /** Recipe name (`[a-z0-9][a-z0-9._-]*`); names the cache repository and appears in errors. */
  recipe: string;
  upstream: string;
  mirror: string;
  /** Branch to mirror; `'HEAD'` follows upstream's default branch. */
  branch: string;
  /** The per-recipe cache repository lives under `<workDir>/mirror-sync/`. */
  workDir: string;
  auth?: { upstream?: RemoteAuth; mirror?: RemoteAuth };
  forge?: ForgeTarget | null;
  /** Limit for each network step (listing, fetch, push, forge call); default 120 000. */
  timeoutMs?: number;
  /** Aborting (e.g. the sweep's SIGTERM) stops the sync at once: git's process groups are killed, code `ABORTED`. */
  signal?: AbortSignal;
  /** Already listed refs, to save round trips. */
  upstreamRefs?: RemoteRefs;
  mirrorRefs?: RemoteRefs;
};

export type SyncWarning = { code: 'tag-moved' | 'tag-deleted' | string; message: string };

export type SyncResult = {
  status: 'unchanged' | 'synced';
  changed: boolean;
  /** The mirror branch's commit before the sync (null: the branch did not exist). */
  mainBefore: string | null;
  mainAfter: string;
  /** Tags pushed (new and moved), in upstream's order. */
  pushedTags: string[];
  movedTags: string[];
  deletedTags: string[];
  closedPulls: number[];
  keptPulls: number[];
  warnings: SyncWarning[];
  /** The mirror's tags after the sync (= upstream's). */
  tags: RemoteTag[];
};

export type CheckoutOptions = {
  url: string;
  tag: string;
  /** The tag's peeled commit, as listed; the checkout is refused if the tag points elsewhere. */
  commit: string;
  /** Working checkout; created when missing, updated and cleaned otherwise. */
  dir: string;
  auth?: RemoteAuth;
  timeoutMs?: number;
  /** Appears in errors; default the tag. */
  recipe?: string;
};

export type CheckoutCommitOptions = {
  url: string;
  /** The full object id to check out, e.g. a canonical's recorded commit. */
  commit: string;
  /** Working checkout; created when missing, updated and cleaned otherwise. */
  dir: string;
  auth?: RemoteAuth;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Appears in errors; default the commit. */
  recipe?: string;
};
