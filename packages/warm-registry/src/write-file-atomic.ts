import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ensureDir, refuseSymlink } from './internal/atomic-file.js';
import { fsError, isErrno } from './internal/fs-errors.js';

// Every record under stateDir is written this way; canon's other outputs (rendered
// reports) use it too, so it is public.

const tempMarker = '.tmp-';

/**
 * Replaces `path` with `content` so that a crash at any instant leaves either the old
 * file or the new one: temp file in the same directory, fsync, rename, fsync the directory.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  await ensureDir(dir);
  await refuseSymlink(path, 'a file');
  const temp = join(
    dir,
    `.${basename(path)}${tempMarker}${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw fsError(error, path, 'write');
  }
  await syncDir(dir, path);
  await removeDeadTemps(dir, basename(path));
}

export async function syncDir(dir: string, path: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fsError(error, path, 'flush the directory of');
  }
}

/** Temp files of writers that were killed mid-write are garbage; those of live writers are not. */
async function removeDeadTemps(dir: string, name: string): Promise<void> {
  const prefix = `.${name}${tempMarker}`;
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
      await unlink(join(dir, entry)).catch(() => undefined);
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM');
  }
}
