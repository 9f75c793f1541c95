import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'node:http';

export type WebhookRepository = { cloneUrl: string; htmlUrl: string; fullName: string };

export type TagEventKind = 'create' | 'push';

/** How the delivery is signed: as Gitea does, with another secret, not at all, or signed and then altered. */
export type SignatureMode = 'good' | 'bad' | 'missing' | 'tampered';

export type SendWebhookOptions = {
  /** The listener's webhook URL, e.g. `http://127.0.0.1:8787/hooks/forge`. */
  url: string;
  secret: string;
  event: TagEventKind;
  tag: string;
  /** The tag's commit; Gitea sends it, canon must not trust it. Default 40 zeros. */
  sha?: string;
  repository: WebhookRepository;
  /** Default a fresh UUID, as Gitea sends. */
  delivery?: string;
  signature?: SignatureMode;
};

export type WebhookResponse = { status: number; body: string; delivery: string };

function giteaRepository(r: WebhookRepository): Record<string, unknown> {
  const [owner = 'owner', name = 'repo'] = r.fullName.split('/');
  const user = { id: 1, login: owner, login_name: '', full_name: '', email: `${owner}@noreply.example.org`, avatar_url: '', username: owner };
  return {
    id: 7, owner: user, name, full_name: r.fullName, description: '', empty: false, private: false, fork: false,
    template: false, parent: null, mirror: false, size: 64, html_url: r.htmlUrl,
    ssh_url: `git@${new URL(r.htmlUrl).host}:${r.fullName}.git`, clone_url: r.cloneUrl, original_url: '',
    website: '', stars_count: 0, forks_count: 0, watchers_count: 1, open_issues_count: 0, open_pr_counter: 0,
    release_counter: 0, default_branch: 'main', archived: false, created_at: '2026-01-05T10:00:00Z',
    updated_at: '2026-12-01T09:00:00Z', permissions: { admin: true, push: true, pull: true },
  };
}

const SENDER = { id: 2, login: 'maintainer', login_name: '', full_name: 'A Maintainer', email: 'maintainer@noreply.example.org', avatar_url: '', username: 'maintainer' };

/** The JSON body Gitea sends for a tag: `create` (`ref` = short name, `ref_type: "tag"`) or `push` of `refs/tags/…`. */
export function giteaTagPayload(event: TagEventKind, tag: string, repository: WebhookRepository, sha = '0'.repeat(40)): string {
  const repo = giteaRepository(repository);
  const payload =
    event === 'create'
      ? { sha, ref: tag, ref_type: 'tag', repository: repo, sender: SENDER }
      : {
          ref: `refs/tags/${tag}`, before: '0'.repeat(40), after: sha,
          compare_url: `${repository.htmlUrl}/compare/0000000000000000000000000000000000000000...${sha}`,
          commits: [], total_commits: 0, head_commit: null, repository: repo, pusher: SENDER, sender: SENDER,
        };
  return JSON.stringify(payload, null, 2);
}

/** The headers Gitea's webhook deliverer sets (services/webhook/deliver.go), signed over `body`. */
export function giteaHeaders(event: TagEventKind, delivery: string, body: string, secret: string): Record<string, string> {
  const sha256 = createHmac('sha256', secret).update(body).digest('hex');
  const sha1 = createHmac('sha1', secret).update(body).digest('hex');
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'GiteaServer',
    'X-GitHub-Delivery': delivery, 'X-GitHub-Event': event, 'X-GitHub-Event-Type': event,
    'X-Gitea-Delivery': delivery, 'X-Gitea-Event': event, 'X-Gitea-Event-Type': event, 'X-Gitea-Signature': sha256,
    'X-Gogs-Delivery': delivery, 'X-Gogs-Event': event, 'X-Gogs-Event-Type': event, 'X-Gogs-Signature': sha256,
    'X-Hub-Signature': `sha1=${sha1}`, 'X-Hub-Signature-256': `sha256=${sha256}`,
  };
}

const SIGNATURE_HEADERS = ['X-Gitea-Signature', 'X-Gogs-Signature', 'X-Hub-Signature', 'X-Hub-Signature-256'];

/** Sends one delivery exactly as Gitea would (or signed wrongly, per `signature`). */
export async function sendGiteaWebhook(opts: SendWebhookOptions): Promise<WebhookResponse> {
  const delivery = opts.delivery ?? randomUUID();
  const mode = opts.signature ?? 'good';
  let body = giteaTagPayload(opts.event, opts.tag, opts.repository, opts.sha);
  const signed = giteaHeaders(opts.event, delivery, body, mode === 'bad' ? `not-${opts.secret}` : opts.secret);
  const headers = mode === 'missing' ? Object.fromEntries(Object.entries(signed).filter(([name]) => !SIGNATURE_HEADERS.includes(name))) : signed;
  // One character of the signed body changed: the tag name, as a forger would.
  if (mode === 'tampered') body = body.replace(`"${opts.tag}"`, `"${opts.tag}x"`).replace(`refs/tags/${opts.tag}"`, `refs/tags/${opts.tag}x"`);
  const response = await postRaw(opts.url, headers, body);
  return { ...response, delivery };
}

/**
 * POSTs raw bytes. A server that answers early (413) and drops the connection still yields its
 * status; only a connection that never answered rejects.
 */
export function postRaw(url: string, headers: Record<string, string>, body: Buffer | string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: 'POST', headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    // An early answer followed by a reset (the server stopped reading) is an answer.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.end(body);
  });
}
