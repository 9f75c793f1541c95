import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LINGER_MS } from './early-answer.js';
import { BODY_LIMIT_BYTES } from './server.js';
import { startTestListener, type TestListener } from './test-listener.js';

let t: TestListener | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const CHUNK = Buffer.alloc(64 * 1024, 0x7b);
const chunk = (): Buffer => Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `n` chunks of a chunked body; resolves false once the connection is gone. */
async function writeChunks(socket: Socket, n: number): Promise<boolean> {
  for (let i = 0; i < n; i += 1) {
    if (socket.destroyed) return false;
    if (!socket.write(chunk())) await new Promise((r) => socket.once('drain', r).once('close', r));
  }
  return !socket.destroyed;
}

/**
 * A forge still uploading when the 413 comes, reading its answer only afterwards (as a client
 * busy writing does). Everything it reads until the connection ends, and how it ended.
 */
async function slowReader(url: string): Promise<{ answer: string; ended: string }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.pause();
  await new Promise((r) => socket.once('connect', r));
  let failure: string | null = null;
  socket.on('error', (error: NodeJS.ErrnoException) => (failure ??= error.code ?? 'error'));
  socket.write(`POST /hooks/forge HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nX-Gitea-Event: create\r\nTransfer-Encoding: chunked\r\n\r\n`);
  await writeChunks(socket, Math.ceil(BODY_LIMIT_BYTES / CHUNK.length) + 4);
  // The listener has answered by now; the forge's next bytes reach a server that stopped reading.
  await sleep(300);
  await writeChunks(socket, 8);
  await sleep(300);
  const received: Buffer[] = [];
  const ended = await new Promise<string>((resolve) => {
    if (socket.destroyed) return resolve(`${failure ?? 'closed'} while sending`);
    socket.on('data', (d: Buffer) => received.push(d));
    socket.once('end', () => resolve('end'));
    socket.once('close', () => resolve(failure ?? 'close'));
    socket.resume();
  });
  socket.destroy();
  return { answer: Buffer.concat(received).toString('latin1'), ended };
}

describe('an early answer to an oversized upload', () => {
  it('reaches a client that is still sending: the 413 is read, then the connection ends cleanly', async () => {
    t = await startTestListener();
    const r = await slowReader(t.hookUrl);
    expect(r.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.ended).toBe('end');
    expect(await t.pendingBytes()).toBeNull();
  });

  it('a client that never stops sending is read for a bounded time, then its connection goes', async () => {
    t = await startTestListener();
    const { hostname, port } = new URL(t.hookUrl);
    // Half-open allowed: the listener's end of the answer does not make this client stop.
    const socket = connect({ port: Number(port), host: hostname, allowHalfOpen: true });
    await new Promise((r) => socket.once('connect', r));
    socket.on('error', () => undefined);
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
    socket.write(`POST /hooks/forge HTTP/1.1\r\nHost: ${hostname}\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const started = performance.now();
    // A body without end, for far longer than the linger: only the listener can end this.
    const deadline = started + 10 * LINGER_MS;
    while (!socket.destroyed && performance.now() < deadline) {
      if (!socket.write(chunk())) await Promise.race([new Promise((r) => socket.once('drain', r)), closed]);
    }
    const at = await Promise.race([closed, sleep(5 * LINGER_MS).then(() => null)]);
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(at).not.toBeNull();
    expect((at ?? Infinity) - started).toBeGreaterThanOrEqual(LINGER_MS);
    expect((at ?? Infinity) - started).toBeLessThan(8 * LINGER_MS);
  }, 60_000);

  it('a request after the refused one on the same connection does not take the listener down', async () => {
    t = await startTestListener();
    const { hostname, port } = new URL(t.hookUrl);
    const socket = connect(Number(port), hostname);
    await new Promise((r) => socket.once('connect', r));
    socket.on('error', () => undefined);
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    const ended = new Promise((r) => socket.once('close', r));
    const big = BODY_LIMIT_BYTES + 1;
    socket.write(`POST /hooks/forge HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: ${String(big)}\r\n\r\n`);
    socket.write(Buffer.alloc(big, 0x20));
    socket.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
    await ended;
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    const health = await fetch(`${t.listener.url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
  });
});
