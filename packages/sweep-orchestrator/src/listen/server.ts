import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ResolvedConfig, WebhookSettings } from '../config/index.js';
import type { DeliveryLog } from './deliveries.js';
import { bodyGc } from './body-gc.js';
import { closeAfterEarlyAnswer } from './early-answer.js';
import type { PendingSet } from './pending.js';
import { readBody } from './read-body.js';
import { verifySignature } from './signature.js';
import { deliveryIdOf, readTagEvent } from './tag-event.js';
import { matchEnrolledRecipes } from './upstream-match.js';

export const BODY_LIMIT_BYTES = 1 << 20;

export type ListenServerOptions = {
  config: ResolvedConfig;
  webhook: WebhookSettings;
  pending: PendingSet;
  deliveries: DeliveryLog;
  /** Called after a delivery made recipes pending. */
  onPending: () => void;
  /** Renders `/metrics` (Prometheus text) and `/` (HTML) from the run records at the time of the request. */
  render: (format: 'prom' | 'html') => Promise<string>;
  log: (line: string) => void;
};

type Reply = { status: number; body: string; type?: string; headers?: Record<string, string> };

const json = (status: number, value: unknown): Reply => ({ status, body: `${JSON.stringify(value)}\n`, type: 'application/json' });

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  res.writeHead(reply.status, {
    'content-type': reply.type ?? 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(reply.body),
    'cache-control': 'no-store',
    ...reply.headers,
  });
  res.end(reply.status === 204 ? undefined : reply.body);
}

const REJECTION_LOG_WINDOW_MS = 60_000;

/** One log line per minute at most for forged deliveries: a flood of them must not flood the journal. */
function rejectionLog(log: (line: string) => void): (peer: string) => void {
  let windowStart = 0;
  let suppressed = 0;
  return (peer) => {
    const now = Date.now();
    if (now - windowStart < REJECTION_LOG_WINDOW_MS) {
      suppressed += 1;
      return;
    }
    const before = suppressed === 0 ? '' : ` (and ${suppressed} more in the previous minute)`;
    log(`rejected a delivery from ${peer}: missing or bad signature${before}`);
    windowStart = now;
    suppressed = 0;
  };
}

/** `canon listen`'s HTTP side: the forge's webhook, `/healthz`, `/metrics` and the dashboard. */
export function createListenServer(opts: ListenServerOptions): Server {
  const { webhook } = opts;
  const rejections = rejectionLog(opts.log);
  const counted = bodyGc();

  async function delivery(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const read = await readBody(req, BODY_LIMIT_BYTES, counted);
    if (!read.ok) {
      if (read.reason === 'too-large') {
        closeAfterEarlyAnswer(req, res, { counted });
        send(res, { status: 413, body: `the body exceeds ${BODY_LIMIT_BYTES} bytes\n`, headers: { connection: 'close' } });
      }
      return;
    }
    const { body } = read;
    // Nothing of the body is read before its signature holds.
    if (!verifySignature(req.headers, body, webhook.secret)) {
      rejections(req.socket.remoteAddress ?? '?');
      return send(res, { status: 401, body: 'missing or bad signature (X-Gitea-Signature, X-Forgejo-Signature or X-Hub-Signature-256)\n' });
    }
    const verdict = readTagEvent(req.headers, body);
    if (verdict.kind === 'invalid') return send(res, { status: 400, body: `${verdict.why}\n` });
    if (verdict.kind === 'ignored') return send(res, { status: 204, body: '' });
    const recipes = matchEnrolledRecipes(opts.config.recipes, verdict.repositoryUrls);
    if (recipes.length === 0) return send(res, { status: 204, body: '' });
    const id = deliveryIdOf(req.headers);
    if (opts.deliveries.seen(id, body)) {
      opts.log(`delivery ${id ?? '(no id)'} seen before: ignored`);
      return send(res, json(200, { duplicate: true, delivery: id }));
    }
    await opts.pending.add(recipes);
    await opts.deliveries.record(id, body);
    opts.log(`delivery ${id ?? '(no id)'}: tag ${verdict.tag} (${verdict.event}) → pending: ${recipes.join(', ')}`);
    send(res, json(202, { accepted: true, delivery: id, recipes }));
    opts.onPending();
  }

  async function page(res: ServerResponse, format: 'prom' | 'html', head: boolean): Promise<void> {
    const body = await opts.render(format);
    const type = format === 'prom' ? 'text/plain; version=0.0.4; charset=utf-8' : 'text/html; charset=utf-8';
    if (head) {
      res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end();
      return;
    }
    send(res, { status: 200, body, type });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    if (path === webhook.path) {
      if (method === 'POST') return delivery(req, res);
      return send(res, { status: 405, body: 'POST only\n', headers: { allow: 'POST' } });
    }
    const pages: Record<string, 'prom' | 'html' | 'health'> = { '/': 'html', '/metrics': 'prom', '/healthz': 'health' };
    const what = pages[path];
    if (what === undefined) return send(res, { status: 404, body: 'not found\n' });
    if (method !== 'GET' && method !== 'HEAD') return send(res, { status: 405, body: 'GET only\n', headers: { allow: 'GET, HEAD' } });
    if (what === 'health') return send(res, { status: 200, body: 'ok\n' });
    return page(res, what, method === 'HEAD');
  }

  return createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      opts.log(`request ${req.method ?? '?'} ${req.url ?? '?'} failed: ${String(error)}`);
      send(res, { status: 500, body: 'internal error; see the listener\'s log\n' });
    });
  });
}
