import { connect } from 'node:net';
import { giteaHeaders, giteaTagPayload } from '@canon/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, startTestListener, UPSTREAM_A, type TestListener } from './test-listener.js';

let t: TestListener;
beforeAll(async () => {
  t = await startTestListener();
});
afterAll(() => t.close());

const repoA = { cloneUrl: UPSTREAM_A, htmlUrl: 'https://git.example.org/coop-cloud/alpha', fullName: 'coop-cloud/alpha' };

/** The raw bytes of a correctly signed delivery, as a forge would put them on the wire. */
function signedRequest(delivery: string, chunked: boolean): Buffer {
  const body = giteaTagPayload('create', '0.3.0+1.2.0', repoA);
  const headers = { ...giteaHeaders('create', delivery, body, SECRET), Host: 'listener' };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const framing = chunked ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${String(Buffer.byteLength(body))}\r\n`;
  const payload = chunked ? `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n` : body;
  return Buffer.from(`POST /hooks/forge HTTP/1.1\r\n${head}${framing}\r\n${payload}`);
}

/** Sends `bytes` and then drops the connection (reset or plain close) without waiting for an answer. */
async function sendAndCut(bytes: Buffer, reset: boolean): Promise<void> {
  const { hostname, port } = new URL(t.listener.url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  // Whatever the listener answers is read and dropped: unread, it would keep the socket from closing.
  socket.resume();
  const closed = new Promise((r) => socket.once('close', r));
  await new Promise((r) => socket.once('connect', r));
  await new Promise<void>((r) => socket.write(bytes, () => r()));
  if (reset) socket.resetAndDestroy();
  else socket.end();
  await closed;
}

async function waitForAnswer(read: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!/\r\n\r\n/.test(read()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe('connections cut part-way through a signed delivery', () => {
  it('never crash the listener, never make a recipe pending, never leave a failed request', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.boolean(), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), async (chunked, reset, at) => {
        const full = signedRequest(`cut-${String((n += 1))}`, chunked);
        // Anything short of the last byte: the request never completes.
        await sendAndCut(full.subarray(0, Math.floor(at * (full.length - 1))), reset);
        const health = await fetch(`${t.listener.url}/healthz`);
        expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
      }),
      { numRuns: 120 },
    );
    expect(await t.pendingBytes()).toBeNull();
    expect(t.logs.join('\n')).not.toMatch(/failed:/);

    // The same bytes, uncut, are a delivery the listener accepts: only the cut made them harmless.
    const { hostname, port } = new URL(t.listener.url);
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.write(signedRequest('uncut', true));
    await waitForAnswer(() => answer);
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 202 /);
    expect(Object.keys((JSON.parse((await t.pendingBytes()) ?? '{}') as { recipes: object }).recipes)).toEqual(['alpha']);
  });
});
