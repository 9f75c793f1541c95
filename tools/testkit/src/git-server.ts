import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { normalizeRepoName } from './internal/repo-name.js';

const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export type GitServerFault = 'outage' | 'hang';

export type GitRequestLogEntry = {
  /** Repository path relative to the served root, always ending in `.git`; null if none matched. */
  repo: string | null;
  method: string;
  /** Path after the repository, e.g. `/info/refs` or `/git-upload-pack`. */
  path: string;
  query: string;
  /** `git-upload-pack` (fetch, ls-remote) or `git-receive-pack` (push); null otherwise. */
  service: string | null;
  /** Protocol version the client asked for through the `Git-Protocol` header. */
  protocol: 'v0' | 'v2';
  /** Whether a valid token came with the request (only meaningful for repos with `requireToken`). */
  authorized: boolean;
  /** HTTP status sent, or null while the response is still open (e.g. a hanging repo). */
  status: number | null;
};

export type GitRequestLog = {
  /** Requests since the start or the last `resetCounters()`. */
  readonly count: number;
  readonly log: readonly GitRequestLogEntry[];
  forRepo(repoName: string): GitRequestLogEntry[];
};

export type GitServer = {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** Clone URL of a repository under `root` (`.git` is appended when missing). */
  url(repoName: string): string;
  readonly requests: GitRequestLog;
  resetCounters(): void;
  /** `outage` answers 503, `hang` accepts the request and never answers; null clears. */
  setFault(repoName: string, fault: GitServerFault | null): void;
  /** From now on the repository answers 401 unless the request carries this token
   * (HTTP Basic password, or `Authorization: Bearer|token <token>`); null removes the requirement. */
  requireToken(repoName: string, token: string | null): void;
  close(): Promise<void>;
};

export type GitServerOptions = {
  /** Directory holding the bare repositories (e.g. `<root>/ci-mirrors/gitea.git`). */
  root: string;
};

function parseGitProtocol(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  return Array.isArray(header) ? header.join(':') : header;
}

function presentedToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth === undefined) return null;
  const [scheme, value] = auth.split(/\s+/, 2);
  if (value === undefined || scheme === undefined) return null;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? decoded : decoded.slice(colon + 1);
  }
  if (/^(bearer|token)$/i.test(scheme)) return value;
  return null;
}

function splitRepoPath(pathname: string): { repo: string; rest: string } | null {
  const match = /^\/(.+?\.git)(\/.*)?$/.exec(pathname);
  if (!match?.[1]) return null;
  if (match[1].split('/').some((segment) => segment === '..' || segment === '.' || segment === ''))
    return null;
  return { repo: match[1], rest: match[2] ?? '/' };
}

function serviceOf(rest: string, query: URLSearchParams): string | null {
  const fromQuery = query.get('service');
  if (fromQuery === 'git-upload-pack' || fromQuery === 'git-receive-pack') return fromQuery;
  if (rest === '/git-upload-pack' || rest === '/git-receive-pack') return rest.slice(1);
  return null;
}

/** Pipes one request through `git http-backend` (CGI): headers up to the blank line, then the body. */
function runBackend(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  query: string,
  remoteUser: string | null,
  entry: GitRequestLogEntry,
): void {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    // Pushes over HTTP are refused unless receive-pack is enabled explicitly.
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.receivepack',
    GIT_CONFIG_VALUE_0: 'true',
    PATH_INFO: pathname,
    QUERY_STRING: query,
    REQUEST_METHOD: req.method ?? 'GET',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
  };
  const contentType = req.headers['content-type'];
  if (contentType) env.CONTENT_TYPE = contentType;
  const contentLength = req.headers['content-length'];
  if (contentLength) env.CONTENT_LENGTH = contentLength;
  const encoding = req.headers['content-encoding'];
  if (encoding) env.HTTP_CONTENT_ENCODING = encoding;
  // Without this the backend only ever speaks protocol v0/v1.
  const gitProtocol = parseGitProtocol(req.headers['git-protocol']);
  if (gitProtocol) env.GIT_PROTOCOL = gitProtocol;
  if (remoteUser) env.REMOTE_USER = remoteUser;

  const child = spawn(HTTP_BACKEND, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const text = head.toString('latin1');
    let end = text.indexOf('\r\n\r\n');
    let sepLength = 4;
    if (end === -1) {
      end = text.indexOf('\n\n');
      sepLength = 2;
    }
    if (end === -1) return;
    let status = 200;
    for (const line of text.slice(0, end).split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (/^status$/i.test(name)) status = Number.parseInt(value, 10) || 500;
      else res.setHeader(name, value);
    }
    res.statusCode = status;
    entry.status = status;
    headersSent = true;
    const body = head.subarray(end + sepLength);
    if (body.length > 0) res.write(body);
  });
  child.on('close', (code) => {
    if (!headersSent) {
      entry.status = 502;
      res.statusCode = 502;
      res.end(`git http-backend exited with ${String(code)} before sending headers: ${stderr}`);
      return;
    }
    res.end();
  });
  child.on('error', (error) => {
    entry.status = 502;
    if (!res.headersSent) res.statusCode = 502;
    res.end(String(error));
  });
}

/**
 * Serves every bare repository under `root` over git's smart HTTP protocol (v0 and v2,
 * fetch and push) on 127.0.0.1 and a free port, counting each request.
 */
export async function startGitServer(opts: GitServerOptions): Promise<GitServer> {
  const faults = new Map<string, GitServerFault>();
  const tokens = new Map<string, string>();
  let log: GitRequestLogEntry[] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      pathname = url.pathname;
    }
    const split = splitRepoPath(pathname);
    const token = presentedToken(req);
    const entry: GitRequestLogEntry = {
      repo: split?.repo ?? null,
      method: req.method ?? 'GET',
      path: split?.rest ?? pathname,
      query: url.search.replace(/^\?/, ''),
      service: split ? serviceOf(split.rest, url.searchParams) : null,
      protocol: /version=2/.test(parseGitProtocol(req.headers['git-protocol']) ?? '') ? 'v2' : 'v0',
      authorized: false,
      status: null,
    };
    log.push(entry);
    if (!split) {
      entry.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not a repository path\n');
      return;
    }
    const fault = faults.get(split.repo);
    if (fault === 'hang') return;
    if (fault === 'outage') {
      entry.status = 503;
      req.resume();
      res
        .writeHead(503, { 'content-type': 'text/plain', 'retry-after': '3600' })
        .end('repository unavailable (testkit outage)\n');
      return;
    }
    const required = tokens.get(split.repo);
    entry.authorized = required !== undefined && token === required;
    if (required !== undefined && !entry.authorized) {
      entry.status = 401;
      req.resume();
      res
        .writeHead(401, {
          'content-type': 'text/plain',
          'www-authenticate': 'Basic realm="testkit"',
        })
        .end('token required\n');
      return;
    }
    runBackend(
      opts.root,
      req,
      res,
      pathname,
      entry.query,
      entry.authorized ? 'canon' : null,
      entry,
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${String(port)}`;

  return {
    baseUrl,
    url: (repoName) => `${baseUrl}/${normalizeRepoName(repoName)}`,
    requests: {
      get count() {
        return log.length;
      },
      get log() {
        return log;
      },
      forRepo: (repoName) => log.filter((e) => e.repo === normalizeRepoName(repoName)),
    },
    resetCounters() {
      log = [];
    },
    setFault(repoName, fault) {
      if (fault === null) faults.delete(normalizeRepoName(repoName));
      else faults.set(normalizeRepoName(repoName), fault);
    },
    requireToken(repoName, token) {
      if (token === null) tokens.delete(normalizeRepoName(repoName));
      else tokens.set(normalizeRepoName(repoName), token);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Hanging requests and keep-alive sockets would otherwise hold close() forever.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
