import { lstat, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RegistryError } from '../errors.js';
import { fsError, isErrno } from './fs-errors.js';

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
        {
          path: dir,
          detail: `Expected ${dir} to be a directory, but it (or one of its parents) is a file; move that file away or point stateDir/registryDir elsewhere.`,
        },
        { cause: error },
      );
    }
    throw fsError(error, dir, 'create directory');
  }
}

/**
 * A symlink planted where canon keeps a file or a per-recipe directory would send canon's
 * writes elsewhere (rename replaces the link, an append follows it): refuse, leave it alone.
 */
export async function refuseSymlink(
  path: string,
  expected: 'a file' | 'a directory',
): Promise<void> {
  let isLink: boolean;
  try {
    isLink = (await lstat(path)).isSymbolicLink();
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return;
    throw fsError(error, path, 'inspect');
  }
  if (isLink) throw symlinkRefused(path, expected);
}

export function symlinkRefused(
  path: string,
  expected: 'a file' | 'a directory',
  cause?: unknown,
): RegistryError {
  return new RegistryError(
    'SYMLINK_REFUSED',
    {
      path,
      detail:
        `Expected ${path} to be ${expected}, but it is a symbolic link; canon does not write through links someone else planted. ` +
        'Nothing was written: remove the link (check who made it) and run again.',
    },
    cause === undefined ? undefined : { cause },
  );
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
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
        {
          path,
          detail: `Expected ${path} to be a JSON file, but it is a directory; move it away.`,
        },
        { cause: error },
      );
    }
    throw fsError(error, path, 'read');
  }
}
