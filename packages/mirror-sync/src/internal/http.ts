import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';

async function collect(body: AsyncIterableIterator<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts);
}

async function* once(bytes: Uint8Array): AsyncIterableIterator<Uint8Array> {
  yield bytes;
}

type Exchange = {
  url: URL;
  method: string;
  headers: OutgoingHttpHeaders;
  payload: Uint8Array | undefined;
};
type Answer = { res: IncomingMessage; body: Uint8Array };

/** What fetch throws for a request that got no answer: a TypeError whose cause says why. */
function connectionFailed(cause: Error): TypeError {
  return new TypeError('the connection failed', { cause });
}

/** One request and its whole body; a failed connection is `connectionFailed`. */
function exchange(x: Exchange, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const send = x.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(x.url, { method: x.method, headers: x.headers });
    const onAbort = (): void => {
      req.destroy();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settle =
      <T>(fn: (v: T) => void) =>
      (v: T): void => {
        signal.removeEventListener('abort', onAbort);
        fn(v);
      };
    req.on(
      'error',
      settle((cause: Error) => reject(connectionFailed(cause))),
    );
    req.once('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on(
        'error',
        settle((cause: Error) => reject(connectionFailed(cause))),
      );
      res.once(
        'end',
        settle(() => resolve({ res, body: Buffer.concat(parts) })),
      );
    });
    req.end(x.payload);
  });
}

// fetch's redirect rules: up to 20 hops; 303 (and 301/302 after a POST) turn into a GET;
// credentials never follow a redirect to another origin.
const MAX_REDIRECTS = 20;
const CREDENTIALS = new Set(['authorization', 'proxy-authorization', 'cookie']);

function headersFor(from: URL, to: URL, headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  if (from.origin === to.origin) return headers;
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !CREDENTIALS.has(name.toLowerCase())),
  );
}

function withoutBodyHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith('content-')),
  );
}

async function follow(first: Exchange, signal: AbortSignal): Promise<Answer & { url: URL }> {
  let x = first;
  for (let hop = 0; ; hop += 1) {
    const answer = await exchange(x, signal);
    const status = answer.res.statusCode ?? 0;
    const location = answer.res.headers.location;
    if (status < 300 || status > 399 || status === 304 || location === undefined)
      return { ...answer, url: x.url };
    if (hop === MAX_REDIRECTS)
      throw connectionFailed(new Error(`more than ${String(MAX_REDIRECTS)} redirects`));
    const toGet = status === 303 || ((status === 301 || status === 302) && x.method === 'POST');
    const url = new URL(location, x.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw connectionFailed(new Error(`redirected to a ${url.protocol} URL; only http and https are followed`));
    const headers = headersFor(x.url, url, x.headers);
    x = toGet
      ? { url, method: 'GET', headers: withoutBodyHeaders(headers), payload: undefined }
      : { url, method: x.method, headers, payload: x.payload };
  }
}

/**
 * isomorphic-git's HTTP client on node:http, with a deadline covering the whole exchange
 * (headers and body): the bundled client has no timeout, and a hanging server would hold
 * a listing forever. Not fetch: undici's WebAssembly parser costs each process about
 * 20 MB of compile memory and CPU at its first requests, for a few small advertisements.
 */
export function httpWithTimeout(timeoutMs: number, abort?: AbortSignal): HttpClient {
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = abort === undefined ? deadline : AbortSignal.any([deadline, abort]);
      const payload = req.body ? await collect(req.body) : undefined;
      const method = req.method ?? 'GET';
      const res = await follow(
        { url: new URL(req.url), method, headers: req.headers ?? {}, payload },
        signal,
      );
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(res.res.headers)) {
        if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
      }
      return {
        url: res.url.href,
        method,
        headers,
        body: once(res.body),
        statusCode: res.res.statusCode ?? 0,
        statusMessage: res.res.statusMessage ?? '',
      };
    },
  };
}
