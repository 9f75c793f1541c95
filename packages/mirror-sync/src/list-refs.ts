import { listServerRefs, type ServerRef } from 'isomorphic-git';
import { authorizationHeader, secretsOf } from './internal/auth.js';
import { DEFAULT_TIMEOUT_MS } from './internal/defaults.js';
import { httpWithTimeout } from './internal/http.js';
import { listWithGit } from './internal/ls-remote.js';
import { MirrorSyncError, type MirrorSyncErrorCode, type MirrorSyncStage } from './errors.js';
import type { ListRemoteRefsOptions, RemoteRefs, RemoteTag } from './types.js';
import { redactText, redactUrl, validateRemoteUrl } from './url.js';

export type ListRefsContext = { stage?: MirrorSyncStage; recipe?: string };

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('data' in error)) return undefined;
  const data = (error as { data: unknown }).data;
  if (typeof data !== 'object' || data === null || !('statusCode' in data)) return undefined;
  const status = (data as { statusCode: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function classify(error: unknown, signal: AbortSignal | undefined): { code: MirrorSyncErrorCode; what: string; status?: number } {
  if (signal?.aborted === true) return { code: 'ABORTED', what: 'the listing was interrupted (the run is stopping)' };
  const status = statusOf(error);
  if (status === 401 || status === 403)
    return {
      code: 'AUTH_FAILED',
      what: `the server answered ${String(status)} (credentials missing or refused)`,
      status,
    };
  if (status === 404)
    return { code: 'NOT_FOUND', what: 'the server answered 404 (no such repository)', status };
  if (status !== undefined && status >= 500)
    return { code: 'REMOTE_UNAVAILABLE', what: `the server answered ${String(status)}`, status };
  if (status !== undefined)
    return { code: 'REMOTE_ERROR', what: `the server answered ${String(status)}`, status };
  if (isTimeout(error)) return { code: 'TIMEOUT', what: 'no complete answer before the deadline' };
  const cause =
    error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  if (error instanceof TypeError)
    return { code: 'REMOTE_UNAVAILABLE', what: `the connection failed${cause}` };
  return { code: 'REMOTE_ERROR', what: error instanceof Error ? error.message : String(error) };
}

/** Shapes a v0/v1 advertisement (peeled tags, `HEAD` symref) into `RemoteRefs`. */
export function toRemoteRefs(refs: readonly ServerRef[]): RemoteRefs {
  const out: RemoteRefs = { head: null, branches: {}, tags: [], pulls: {} };
  for (const ref of refs) {
    if (ref.ref === 'HEAD') {
      if (ref.target?.startsWith('refs/heads/')) out.head = ref.target.slice('refs/heads/'.length);
    } else if (ref.ref.startsWith('refs/heads/')) {
      out.branches[ref.ref.slice('refs/heads/'.length)] = ref.oid;
    } else if (ref.ref.startsWith('refs/tags/')) {
      const tag: RemoteTag = {
        name: ref.ref.slice('refs/tags/'.length),
        commit: ref.peeled ?? ref.oid,
        oid: ref.oid,
      };
      out.tags.push(tag);
    } else {
      const pull = /^refs\/pull\/(\d+)\/head$/.exec(ref.ref);
      if (pull?.[1] && out.pulls) out.pulls[Number(pull[1])] = ref.oid;
    }
  }
  return out;
}

/**
 * Lists a remote's branches, tags (peeled) and default branch in process, in one HTTP
 * request (protocol v1: `GET info/refs?service=git-upload-pack`; v2 would cost two).
 * ssh and scp-like remotes are listed with `git ls-remote` instead.
 */
export async function listRemoteRefs(
  url: string,
  opts: ListRemoteRefsOptions & ListRefsContext = {},
): Promise<RemoteRefs> {
  const stage = opts.stage ?? 'list-upstream';
  const recipe = opts.recipe ?? '';
  const remote = redactUrl(url);
  const valid = validateRemoteUrl(url);
  if (!valid.ok) {
    throw new MirrorSyncError('INVALID_URL', { recipe, remote, stage, detail: `Refusing remote ${JSON.stringify(remote)}: ${valid.reason}. Fix the URL in the config.` });
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!/^https?:/i.test(url))
    return toRemoteRefs(await listWithGit(url, { stage, recipe, auth: opts.auth, timeoutMs, signal: opts.signal }));
  const header = authorizationHeader(opts.auth);
  let refs: ServerRef[];
  try {
    refs = await listServerRefs({
      http: httpWithTimeout(timeoutMs, opts.signal),
      url,
      protocolVersion: 1,
      symrefs: true,
      peelTags: true,
      ...(header ? { headers: { Authorization: header } } : {}),
    });
  } catch (error) {
    const { code, what, status } = classify(error, opts.signal);
    const side = opts.stage === undefined ? 'the' : stage === 'list-mirror' ? 'mirror' : 'upstream';
    const detail = redactText(
      `${recipe ? `${recipe}: ` : ''}listing ${side} refs at ${remote} failed: expected a ref advertisement within ${String(timeoutMs)} ms, but ${what}. Nothing was pushed; check that the remote is reachable${code === 'AUTH_FAILED' ? ' and the token is valid' : ''}, then sync again.`,
      secretsOf(opts.auth),
    );
    throw new MirrorSyncError(
      code,
      { recipe, remote, stage, ...(status === undefined ? {} : { status }), detail },
      { cause: error },
    );
  }
  return toRemoteRefs(refs);
}
