import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { symlinkRefused } from './atomic-file.js';
import { syncDir } from '../write-file-atomic.js';
import { fsError, isErrno } from './fs-errors.js';

// O_NOFOLLOW: an append through a link planted at the file's name would write wherever it points.
const APPEND_FLAGS =
  constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/**
 * Appends one line with O_APPEND, then fsync. A failed append (e.g. a full disk after a short
 * write) is cut back to the old length, so the file is byte-identical to before. If a crash
 * ever left an unterminated fragment at the end, the new event starts on its own line.
 */
export async function appendLine(path: string, line: string): Promise<void> {
  let existed = true;
  try {
    await stat(path);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw fsError(error, path, 'inspect');
    existed = false;
  }
  try {
    const handle = await open(path, APPEND_FLAGS, 0o644);
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      const bytes = Buffer.from(`${prefix}${line}\n`);
      try {
        for (let done = 0; done < bytes.length;) {
          done += (await handle.write(bytes, done)).bytesWritten;
        }
        await handle.sync();
      } catch (error) {
        await handle.truncate(size).catch(() => undefined);
        throw error;
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (isErrno(error, 'ELOOP')) throw symlinkRefused(path, 'a file', error);
    throw fsError(error, path, 'append to');
  }
  if (!existed) await syncDir(resolve(path, '..'), path);
}

/** Serializes appends per file: a failed append cuts the file back, which must not take a concurrent one with it. */
export function serialAppender(): (path: string, line: string) => Promise<void> {
  const appending = new Map<string, Promise<void>>();
  return (path, line) => {
    const next = (appending.get(path) ?? Promise.resolve()).then(() => appendLine(path, line));
    const settled = next.catch(() => undefined);
    appending.set(path, settled);
    void settled.then(() => {
      if (appending.get(path) === settled) appending.delete(path);
    });
    return next;
  };
}
