import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflate } from 'node:zlib';
import { OID } from './ref-name.js';

const inflateAsync = promisify(inflate);

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
 * The commit `ref` peels to, from its loose ref file and loose objects: what a fetch of a
 * few objects leaves (git unpacks fewer than `fetch.unpackLimit` objects, 100 by default).
 */
export async function peelLooseRef(dir: string, ref: string): Promise<string | null> {
  const gitDir = join(dir, '.git');
  const text = await readFile(join(gitDir, ref), 'utf8').catch(() => null);
  let oid = text?.trim() ?? '';
  for (let depth = 0; depth < MAX_TAG_CHAIN && OID.test(oid); depth += 1) {
    const raw = await readFile(join(gitDir, 'objects', oid.slice(0, 2), oid.slice(2))).catch(() => null);
    if (raw === null) return null;
    const body = (await inflateAsync(raw).catch(() => null))?.toString('latin1');
    if (body === undefined) return null;
    const nul = body.indexOf('\0');
    if (nul === -1) return null;
    const type = body.slice(0, body.indexOf(' '));
    if (type === 'commit') return oid;
    if (type !== 'tag') return null;
    // A tag object starts with "object <oid>\ntype <type>\n".
    const target = /^object ([0-9a-f]{40}(?:[0-9a-f]{24})?)\ntype (\w+)\n/.exec(body.slice(nul + 1));
    if (target === null) return null;
    if (target[2] === 'commit') return target[1] ?? null;
    oid = target[1] ?? '';
  }
  return null;
}
