import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

/**
 * Gives a store's memory back at the next young-generation collection: the store may have
 * been promoted while a slow body came in, and an old buffer lives until a full collection,
 * which V8 starts only after 64 MB of such memory. Moving its memory to a fresh buffer (by
 * transfer, no copy) that dies young frees it with the body pieces.
 */
function release(store: Buffer): void {
  // allocUnsafeSlow's own ArrayBuffer: never a shared one.
  const memory = store.buffer as ArrayBuffer;
  structuredClone(memory, { transfer: [memory] });
}

/**
 * The raw body, at most `limit` bytes: past it, reading stops at once (nothing more is buffered).
 * `counted` sees the size of every piece read.
 *
 * Each piece node hands over is copied into one store (the declared length, else `limit`) and
 * dropped at once, so that node's pieces die young whatever the body's size and pace.
 */
export function readBody(req: IncomingMessage, limit: number, counted: (bytes: number) => void = () => undefined): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false, reason: 'too-large' });
  return new Promise((resolve) => {
    const store = Buffer.allocUnsafeSlow(Number.isFinite(declared) ? declared : limit);
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      counted(chunk.length);
      if (size + chunk.length > limit) {
        req.pause();
        release(store);
        finish({ ok: false, reason: 'too-large' });
        return;
      }
      size += chunk.copy(store, size);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (settled) return;
      const body = Buffer.from(store.subarray(0, size));
      release(store);
      finish({ ok: true, body });
    });
    const aborted = (): void => {
      if (settled) return;
      release(store);
      finish({ ok: false, reason: 'aborted' });
    };
    req.once('error', aborted);
    req.once('close', aborted);
  });
}
