import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a client still sending after an early answer is read (and ignored) before its connection goes. */
export const LINGER_MS = 2000;

/**
 * Ends the connection of a request whose body is refused part-way (answered `connection:
 * close`), without losing the answer. Call before the answer is sent.
 *
 * Node closes such a connection as soon as the answer is out; with the client's bytes still
 * unread the kernel then sends a reset, and the reset makes the client's kernel drop the answer
 * it has not read yet: a forge still uploading saw a reset instead of the 413. So node's close
 * is withdrawn, only the write side is shut, and what the client still sends is read and
 * dropped (never buffered) until it hangs up or `lingerMs` pass; `counted` sees each piece's size.
 */
export function closeAfterEarlyAnswer(req: IncomingMessage, res: ServerResponse, opts: { lingerMs?: number; counted?: (bytes: number) => void } = {}): void {
  const { lingerMs = LINGER_MS, counted } = opts;
  res.once('finish', () => {
    const socket = req.socket;
    // node's `destroySoon()` (on a `connection: close` answer) waits for the write side's end this way.
    socket.removeListener('finish', socket.destroy);
    const timer = setTimeout(() => socket.destroy(), lingerMs).unref();
    socket.once('close', () => clearTimeout(timer));
    if (counted !== undefined) req.on('data', (chunk: Buffer) => counted(chunk.length));
    req.resume();
    socket.end();
  });
}
