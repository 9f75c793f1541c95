import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RegistryError } from '../errors.js';
import { fsError, isErrno } from './fs-errors.js';

const tempMarker = '.tmp-';

/**
 * Creates `dir` (and parents); a file standing where a directory belongs is NOT_A_DIRECTORY.
 * Node's `mkdir({recursive: true})` reports EROFS as ENOENT, so the parents are walked here.
 */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (error) {
    if (isErrno(error, 'ENOENT') && dirname(dir) !== dir) {
      await ensureDir(dirname(dir));
      return ensureDir(dir);
    }
    if (isErrno(error, 'EEXIST') && (await isDirectory(dir))) return;
    if (isErrno(error, 'EEXIST', 'ENOTDIR')) {
      throw new RegistryError(
        'NOT_A_DIRECTORY',
        { path: dir, detail: `Expected ${dir} to be a directory, but it (or one of its parents) is a file; move that file away or point stateDir/registryDir elsewhere.` },
        { cause: error },
      );
    }
    throw fsError(error, dir, 'create directory');
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Replaces `path` with `content` so that a crash at any instant leaves either the old
 * file or the new one: temp file in the same directory, fsync, rename, fsync the directory.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  await ensureDir(dir);
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

/** The file's text, or null when it does not exist. */
export async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    if (isErrno(error, 'EISDIR')) {
      throw new RegistryError(
        'CORRUPT_RECORD',
        { path, detail: `Expected ${path} to be a JSON file, but it is a directory; move it away.` },
        { cause: error },
      );
    }
    throw fsError(error, path, 'read');
  }
}
