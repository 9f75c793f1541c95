import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  Comment,
  CreateIssueCommentOption,
  EditPullRequestOption,
  PullRequest,
  Repository,
  ServerVersion,
  User,
} from 'gitea-js';

// The bodies below are typed with gitea-js's own types, so the stand-in cannot drift
// from the shapes the real Gitea API (and the client canon uses) agree on.

export type ForgeRequestLogEntry = { method: string; path: string; query: string; status: number };

export type AddPullOptions = {
  owner: string;
  repo: string;
  /** Default: the next free number in that repository. */
  number?: number;
  title?: string;
  head: { ref: string; sha: string };
  base?: string;
  state?: 'open' | 'closed';
};

export type ForgeStandIn = {
  /** `http://127.0.0.1:<port>` — pass to gitea-js `giteaApi(url)`, which appends `/api/v1`. */
  readonly url: string;
  readonly token: string;
  /** Makes `owner/repo` exist (a repository with pull requests exists too). */
  addRepo(owner: string, repo: string): void;
  addPull(opts: AddPullOptions): PullRequest;
  /** Every PR of the repository (any state), oldest first. */
  pulls(owner: string, repo: string): PullRequest[];
  pull(owner: string, repo: string, index: number): PullRequest | undefined;
  comments(owner: string, repo: string, index: number): Comment[];
  /** Makes every API call (including `/version`) answer this status; null restores service. */
  setFailure(status: number | null): void;
  readonly requests: readonly ForgeRequestLogEntry[];
  resetRequests(): void;
  close(): Promise<void>;
};

export type ForgeOptions = {
  /** The token the API accepts (`Authorization: token <t>` or `Bearer <t>`); default `forge-token`. */
  token?: string;
  version?: string;
};

const MAX_LIMIT = 50;
const DEFAULT_LIMIT = 30;
const BOT: User = { id: 1, login: 'canon-ci', full_name: 'canon CI', email: 'ci@canon.invalid' };

type RepoState = { id: number; pulls: PullRequest[]; comments: Map<number, Comment[]> };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(422, 'request body is not JSON');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInt(value: string | null, fallback: number): number {
  if (value === null) return fallback;
  const parsed = Number.parseInt(value, 10);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

function linkHeader(base: URL, page: number, limit: number, total: number): string {
  const last = Math.max(1, Math.ceil(total / limit));
  const at = (p: number, rel: string) => {
    const u = new URL(base);
    u.searchParams.set('page', String(p));
    u.searchParams.set('limit', String(limit));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(at(page + 1, 'next'), at(last, 'last'));
  if (page > 1) links.push(at(1, 'first'), at(page - 1, 'prev'));
  return links.join(',');
}

/** A Gitea-shaped forge API on 127.0.0.1 holding pull requests and comments in memory. */
export async function startForge(opts: ForgeOptions = {}): Promise<ForgeStandIn> {
  const token = opts.token ?? 'forge-token';
  const repos = new Map<string, RepoState>();
  let failure: number | null = null;
  let requests: ForgeRequestLogEntry[] = [];
  let nextId = 1;
  let url = '';

  const repoState = (owner: string, repo: string): RepoState => {
    const key = `${owner}/${repo}`;
    let state = repos.get(key);
    if (!state) {
      state = { id: nextId++, pulls: [], comments: new Map() };
      repos.set(key, state);
    }
    return state;
  };
  const findPull = (owner: string, repo: string, index: number): PullRequest => {
    const pull = repos.get(`${owner}/${repo}`)?.pulls.find((p) => p.number === index);
    if (!pull) throw new HttpError(404, "The target couldn't be found.");
    return pull;
  };

  const authorized = (req: IncomingMessage): boolean => {
    const [scheme, value] = (req.headers.authorization ?? '').split(/\s+/, 2);
    return value === token && /^(token|bearer)$/i.test(scheme ?? '');
  };

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    reqUrl: URL,
  ): Promise<number> => {
    if (failure !== null) {
      send(res, failure, { message: 'forge stand-in: induced failure', url: reqUrl.toString() });
      return failure;
    }
    const path = reqUrl.pathname;
    if (req.method === 'GET' && path === '/api/v1/version') {
      const body: ServerVersion = { version: opts.version ?? '1.23.1' };
      send(res, 200, body);
      return 200;
    }
    if (!authorized(req)) {
      send(res, 401, { message: 'token is required', url: reqUrl.toString() });
      return 401;
    }
    const repoPath = /^\/api\/v1\/repos\/([^/]+)\/([^/]+)$/.exec(path);
    if (repoPath?.[1] && repoPath[2] && req.method === 'GET') {
      const state = repos.get(`${repoPath[1]}/${repoPath[2]}`);
      if (!state) throw new HttpError(404, "The target couldn't be found.");
      const body: Repository = {
        id: state.id,
        name: repoPath[2],
        full_name: `${repoPath[1]}/${repoPath[2]}`,
        owner: { ...BOT, login: repoPath[1] },
        private: true,
        clone_url: `${url}/${repoPath[1]}/${repoPath[2]}.git`,
        html_url: `${url}/${repoPath[1]}/${repoPath[2]}`,
        default_branch: 'main',
        permissions: { admin: false, push: true, pull: true },
      };
      send(res, 200, body);
      return 200;
    }
    const pulls = /^\/api\/v1\/repos\/([^/]+)\/([^/]+)\/pulls(?:\/(\d+))?$/.exec(path);
    const comments = /^\/api\/v1\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path);
    if (pulls?.[1] && pulls[2] && pulls[3] === undefined && req.method === 'GET') {
      const state = reqUrl.searchParams.get('state') ?? 'open';
      const page = positiveInt(reqUrl.searchParams.get('page'), 1);
      const limit = Math.min(
        MAX_LIMIT,
        positiveInt(reqUrl.searchParams.get('limit'), DEFAULT_LIMIT),
      );
      const matching = (repos.get(`${pulls[1]}/${pulls[2]}`)?.pulls ?? [])
        .filter((p) => state === 'all' || p.state === state)
        .sort((a, b) => (b.number ?? 0) - (a.number ?? 0));
      const body: PullRequest[] = matching.slice((page - 1) * limit, page * limit);
      const headers: Record<string, string> = { 'x-total-count': String(matching.length) };
      const link = linkHeader(
        new URL(reqUrl.pathname + reqUrl.search, url),
        page,
        limit,
        matching.length,
      );
      if (link) headers.link = link;
      send(res, 200, body, headers);
      return 200;
    }
    if (pulls?.[1] && pulls[2] && pulls[3] !== undefined && req.method === 'GET') {
      send(res, 200, findPull(pulls[1], pulls[2], Number(pulls[3])));
      return 200;
    }
    if (pulls?.[1] && pulls[2] && pulls[3] !== undefined && req.method === 'PATCH') {
      const pull = findPull(pulls[1], pulls[2], Number(pulls[3]));
      const raw = await readJson(req);
      if (!isRecord(raw)) throw new HttpError(422, 'expected an EditPullRequestOption object');
      const edit: EditPullRequestOption = raw;
      if (edit.state !== undefined && edit.state !== 'open' && edit.state !== 'closed') {
        throw new HttpError(
          422,
          `state must be "open" or "closed", got ${JSON.stringify(edit.state)}`,
        );
      }
      const now = new Date().toISOString();
      if (edit.state !== undefined) {
        pull.state = edit.state;
        if (edit.state === 'closed') pull.closed_at = now;
        else delete pull.closed_at;
      }
      if (typeof edit.title === 'string') pull.title = edit.title;
      if (typeof edit.body === 'string') pull.body = edit.body;
      pull.updated_at = now;
      send(res, 201, pull);
      return 201;
    }
    if (comments?.[1] && comments[2] && comments[3] && req.method === 'POST') {
      const index = Number(comments[3]);
      const pull = findPull(comments[1], comments[2], index);
      const raw = await readJson(req);
      if (!isRecord(raw) || typeof raw.body !== 'string' || raw.body === '') {
        throw new HttpError(422, 'expected a CreateIssueCommentOption with a non-empty body');
      }
      const option: CreateIssueCommentOption = { body: raw.body };
      const now = new Date().toISOString();
      const comment: Comment = {
        id: nextId++,
        body: option.body,
        user: BOT,
        created_at: now,
        updated_at: now,
        html_url: `${pull.html_url ?? ''}#issuecomment-${String(nextId)}`,
        issue_url: `${url}/api/v1/repos/${comments[1]}/${comments[2]}/issues/${String(index)}`,
        pull_request_url: pull.html_url ?? '',
      };
      const state = repoState(comments[1], comments[2]);
      state.comments.set(index, [...(state.comments.get(index) ?? []), comment]);
      pull.comments = (pull.comments ?? 0) + 1;
      send(res, 201, comment);
      return 201;
    }
    throw new HttpError(404, `forge stand-in does not implement ${req.method ?? '?'} ${path}`);
  };

  const server = createServer((req, res) => {
    const reqUrl = new URL(req.url ?? '/', url || 'http://127.0.0.1');
    const entry: ForgeRequestLogEntry = {
      method: req.method ?? 'GET',
      path: reqUrl.pathname,
      query: reqUrl.search.replace(/^\?/, ''),
      status: 0,
    };
    requests.push(entry);
    handle(req, res, reqUrl).then(
      (status) => {
        entry.status = status;
      },
      (error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        entry.status = status;
        send(res, status, {
          message: error instanceof Error ? error.message : String(error),
          url: reqUrl.toString(),
        });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;

  return {
    url,
    token,
    addRepo(owner, repo) {
      repoState(owner, repo);
    },
    addPull(o) {
      const state = repoState(o.owner, o.repo);
      const number = o.number ?? Math.max(0, ...state.pulls.map((p) => p.number ?? 0)) + 1;
      if (state.pulls.some((p) => p.number === number))
        throw new Error(`PR #${String(number)} already exists in ${o.owner}/${o.repo}`);
      const now = new Date().toISOString();
      const htmlUrl = `${url}/${o.owner}/${o.repo}/pulls/${String(number)}`;
      const pull: PullRequest = {
        id: nextId++,
        number,
        title: o.title ?? `PR #${String(number)} from ${o.head.ref}`,
        body: '',
        state: o.state ?? 'open',
        head: { ref: o.head.ref, sha: o.head.sha, label: o.head.ref },
        base: { ref: o.base ?? 'main', label: o.base ?? 'main' },
        user: BOT,
        html_url: htmlUrl,
        url: htmlUrl,
        diff_url: `${htmlUrl}.diff`,
        patch_url: `${htmlUrl}.patch`,
        merged: false,
        mergeable: true,
        comments: 0,
        created_at: now,
        updated_at: now,
      };
      state.pulls.push(pull);
      return pull;
    },
    pulls: (owner, repo) =>
      [...(repos.get(`${owner}/${repo}`)?.pulls ?? [])].sort(
        (a, b) => (a.number ?? 0) - (b.number ?? 0),
      ),
    pull: (owner, repo, index) =>
      repos.get(`${owner}/${repo}`)?.pulls.find((p) => p.number === index),
    comments: (owner, repo, index) => [
      ...(repos.get(`${owner}/${repo}`)?.comments.get(index) ?? []),
    ],
    setFailure(status) {
      failure = status;
    },
    get requests() {
      return requests;
    },
    resetRequests() {
      requests = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
