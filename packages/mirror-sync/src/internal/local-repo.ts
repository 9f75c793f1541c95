import * as fs from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readObject, resolveRef, type TagObject } from 'isomorphic-git';
import { OID } from './ref-name.js';

/** A tag of a tag of … stops somewhere: git itself gives up on deeper chains too. */
const MAX_TAG_CHAIN = 8;

/**
 * Reads a checkout's repository without spawning git, for the answers that are plain files
 * right after a fetch or a checkout. Every function returns null when the answer is not
 * there in that simple form (packed, a `.git` file, a symbolic ref …): the caller asks git.
 */

/** Whether `dir/.git` is a repository directory as git recognises one (HEAD, objects, refs). */
export async function hasRepositoryDir(dir: string): Promise<boolean> {
  const gitDir = join(dir, '.git');
  const kinds = await Promise.all(
    ['HEAD', 'objects', 'refs'].map((name) => stat(join(gitDir, name)).then((s) => (s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other'), () => null)),
  );
  return kinds[0] === 'file' && kinds[1] === 'dir' && kinds[2] === 'dir';
}

export async function isEmptyDir(dir: string): Promise<boolean> {
  return (await readdir(dir)).length === 0;
}

/** The commit a detached HEAD names, from `.git/HEAD`. */
export async function detachedHeadFile(dir: string): Promise<string | null> {
  const text = await readFile(join(dir, '.git', 'HEAD'), 'utf8').catch(() => null);
  const oid = text?.endsWith('\n') === true ? text.slice(0, -1) : null;
  return oid !== null && OID.test(oid) ? oid : null;
}

/**
 * The commit `ref` peels to, read in-process by isomorphic-git from loose objects (what a
 * fetch of a few objects leaves: git unpacks fewer than `fetch.unpackLimit`, 100); null when
 * it cannot say so cheaply (a packed object, which isomorphic-git would read its whole pack
 * for; another object kind), and the caller asks git.
 */
export async function peelRef(dir: string, ref: string): Promise<string | null> {
  const loose = (oid: string): Promise<boolean> =>
    stat(join(dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2))).then((s) => s.isFile(), () => false);
  try {
    let oid = await resolveRef({ fs, dir, ref });
    for (let depth = 0; depth < MAX_TAG_CHAIN && (await loose(oid)); depth += 1) {
      const { type, object } = await readObject({ fs, dir, oid, format: 'parsed' });
      if (type === 'commit') return oid;
      if (type !== 'tag') return null;
      const tag = object as TagObject;
      // The tag says what it names: its commit need not be read.
      if (tag.type === 'commit') return tag.object;
      oid = tag.object;
    }
  } catch {
    // a ref or object isomorphic-git cannot read: git answers instead
  }
  return null;
}
