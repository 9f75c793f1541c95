import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';

async function collect(body: AsyncIterableIterator<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts);
}

async function* once(bytes: Uint8Array): AsyncIterableIterator<Uint8Array> {
  yield bytes;
}

/**
 * isomorphic-git's HTTP client on Node's fetch, with a deadline covering the whole
 * exchange (headers and body): the bundled client has no timeout, and a hanging
 * server would hold a listing forever.
 */
export function httpWithTimeout(timeoutMs: number, abort?: AbortSignal): HttpClient {
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = abort === undefined ? deadline : AbortSignal.any([deadline, abort]);
      const payload = req.body ? await collect(req.body) : undefined;
      const res = await fetch(req.url, {
        method: req.method ?? 'GET',
        headers: req.headers ?? {},
        ...(payload ? { body: payload } : {}),
        signal,
      });
      // Reading the (small) advertisement here keeps the deadline in force for the body too.
      const bytes = new Uint8Array(await res.arrayBuffer());
      const headers: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        headers[key] = value;
      });
      return {
        url: res.url,
        method: req.method ?? 'GET',
        headers,
        body: once(bytes),
        statusCode: res.status,
        statusMessage: res.statusText,
      };
    },
  };
}
