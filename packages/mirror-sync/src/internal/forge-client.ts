import { giteaApi } from 'gitea-js';
import { MirrorSyncError } from '../errors.js';
import type { ForgeTarget, SyncResult } from '../types.js';
import { redactText, redactUrl } from '../url.js';

export type OpenPull = { number: number; baseRef: string | null };

const PAGE_LIMIT = 50;
const MAX_PAGES = 200;

type ForgeContext = {
  recipe: string;
  forge: ForgeTarget;
  timeoutMs: number;
  result: () => SyncResult;
};

function httpStatus(error: unknown): number | undefined {
  if (error instanceof Response) return error.status;
  return undefined;
}

/** Any forge failure: the sync already happened, so the error carries its result. */
export function forgeError(ctx: ForgeContext, doing: string, error: unknown): MirrorSyncError {
  const status = httpStatus(error);
  const timedOut =
    error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  const code =
    status === 401 || status === 403 ? 'AUTH_FAILED' : timedOut ? 'TIMEOUT' : 'FORGE_FAILED';
  const what =
    status !== undefined
      ? `the forge answered ${String(status)}${code === 'AUTH_FAILED' ? ' (token missing, wrong or without repository access)' : ''}`
      : timedOut
        ? `no answer within ${String(ctx.timeoutMs)} ms`
        : `the request failed (${error instanceof Error ? error.message : String(error)})`;
  const remote = redactUrl(ctx.forge.url);
  const detail = redactText(
    `${ctx.recipe}: ${doing} on ${remote} (${ctx.forge.owner}/${ctx.forge.repo}) failed: expected a 2xx answer, but ${what}. The mirror itself was synced (see data.result); fix the forge settings and sync again to clean up pull requests.`,
    [ctx.forge.token],
  );
  return new MirrorSyncError(
    code,
    {
      recipe: ctx.recipe,
      remote,
      stage: 'forge',
      ...(status === undefined ? {} : { status }),
      result: ctx.result(),
      detail,
    },
    { cause: error },
  );
}

function parsePull(raw: unknown): OpenPull | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { number, base } = raw as { number?: unknown; base?: unknown };
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) return null;
  const ref =
    typeof base === 'object' && base !== null ? (base as { ref?: unknown }).ref : undefined;
  return { number, baseRef: typeof ref === 'string' ? ref : null };
}

export function forgeClient(ctx: ForgeContext) {
  const api = giteaApi(ctx.forge.url.replace(/\/+$/, ''), { token: ctx.forge.token });
  const params = () => ({ signal: AbortSignal.timeout(ctx.timeoutMs) });
  const { owner, repo } = ctx.forge;

  return {
    /** Every open PR, following the pages until `X-Total-Count` (or an empty page) says there are no more. */
    async listOpenPulls(): Promise<OpenPull[]> {
      const pulls: OpenPull[] = [];
      for (let page = 1; page <= MAX_PAGES; page += 1) {
        let res;
        try {
          res = await api.repos.repoListPullRequests(
            owner,
            repo,
            { state: 'open', page, limit: PAGE_LIMIT },
            params(),
          );
        } catch (error) {
          throw forgeError(ctx, 'listing open pull requests', error);
        }
        if (!Array.isArray(res.data))
          throw forgeError(
            ctx,
            'listing open pull requests',
            new Error('the answer is not a JSON array'),
          );
        for (const raw of res.data) {
          const pull = parsePull(raw);
          if (pull && !pulls.some((p) => p.number === pull.number)) pulls.push(pull);
        }
        const total = Number.parseInt(res.headers.get('x-total-count') ?? '', 10);
        const hasNext = /rel="next"/.test(res.headers.get('link') ?? '');
        if (res.data.length === 0 || (Number.isFinite(total) ? pulls.length >= total : !hasNext))
          break;
      }
      return pulls;
    },
    async closeWithComment(index: number, body: string): Promise<void> {
      try {
        await api.repos.issueCreateComment(owner, repo, index, { body }, params());
        await api.repos.repoEditPullRequest(owner, repo, index, { state: 'closed' }, params());
      } catch (error) {
        throw forgeError(ctx, `closing pull request #${String(index)}`, error);
      }
    },
  };
}
