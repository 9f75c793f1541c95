import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fastImport, gitTime } from './internal/fast-import.js';
import { runGit } from './internal/git.js';
import { normalizeRepoName } from './internal/repo-name.js';

/** A bare repository on disk; `name` is its path under the served root (e.g. `upstream/gitea.git`). */
export type BareRepo = { readonly name: string; readonly path: string };

/** File content, `null` to delete the path, or an executable file. */
export type FileContent = string | null | { content: string; executable: true };

export type CommitOptions = {
  /** Branch to advance; default `main`. */
  branch?: string;
  /** Paths to write or delete, applied on top of the first parent's tree. */
  files?: Record<string, FileContent>;
  message?: string;
  /** Parents (oids or revisions); default the branch tip, or none when the branch is unborn. */
  parents?: readonly string[];
  /** Author and committer date (`Date` or anything git accepts); default now. */
  date?: Date | string;
};

export type TagOptions = {
  /** Annotated (a tag object) or lightweight (a bare ref); default annotated. */
  annotated?: boolean;
  message?: string;
};

export type TagInfo = {
  name: string;
  /** What `refs/tags/<name>` holds: the tag object for annotated tags, the commit otherwise. */
  oid: string;
  /** The peeled commit. */
  commit: string;
};

/** Creates (or reuses) the bare repository `<root>/<name>` with `HEAD` → `refs/heads/<initialBranch>`. */
export async function createBareRepo(
  root: string,
  name: string,
  opts: { initialBranch?: string } = {},
): Promise<BareRepo> {
  const normalized = normalizeRepoName(name);
  const path = join(root, normalized);
  await mkdir(path, { recursive: true });
  await runGit([
    'init',
    '--quiet',
    '--bare',
    `--initial-branch=${opts.initialBranch ?? 'main'}`,
    path,
  ]);
  return { name: normalized, path };
}

/** `git rev-parse --verify <rev>` in the repository. */
export async function revParse(repo: BareRepo, rev: string): Promise<string> {
  return (await runGit(['--git-dir', repo.path, 'rev-parse', '--verify', '--end-of-options', rev]))
    .stdout;
}

/** Like `revParse`, but null when the revision does not exist. */
export async function tryRevParse(repo: BareRepo, rev: string): Promise<string | null> {
  const result = await runGit(
    ['--git-dir', repo.path, 'rev-parse', '--verify', '--quiet', '--end-of-options', rev],
    {
      okCodes: [0, 1],
    },
  );
  return result.exitCode === 0 ? result.stdout : null;
}

/**
 * Writes a commit straight into a bare repository (one `git fast-import`, no working
 * tree) and moves `refs/heads/<branch>` to it. Returns the commit oid.
 */
export async function commit(repo: BareRepo, opts: CommitOptions = {}): Promise<string> {
  const branch = opts.branch ?? 'main';
  const ref = `refs/heads/${branch}`;
  let parents = opts.parents;
  if (parents === undefined) {
    const tip = await tryRevParse(repo, `${ref}^{commit}`);
    parents = tip ? [tip] : [];
  }
  const files = opts.files ?? {};
  const marks = await fastImport(repo.path, [
    {
      kind: 'commit',
      ref,
      mark: 1,
      parents,
      files,
      message: opts.message ?? `Change ${Object.keys(files).join(', ') || 'nothing'} on ${branch}`,
      when: gitTime(opts.date),
    },
  ]);
  const oid = marks.get(1);
  if (!oid) throw new Error(`git fast-import wrote no commit to ${repo.name}`);
  return oid;
}

async function writeTag(
  repo: BareRepo,
  name: string,
  target: string,
  opts: TagOptions,
  force: boolean,
): Promise<TagInfo> {
  const commitOid = await revParse(repo, `${target}^{commit}`);
  const ref = `refs/tags/${name}`;
  let oid = commitOid;
  if (opts.annotated ?? true) {
    // Plumbing instead of `git tag`: porcelain refuses names such as `--upload-pack=…`
    // that a hostile upstream can still advertise, and the tests need those.
    const body = `object ${commitOid}\ntype commit\ntag ${name}\ntagger Canon Fixture <fixture@canon.invalid> ${gitTime()}\n\n${opts.message ?? `Release ${name}`}\n`;
    oid = (await runGit(['--git-dir', repo.path, 'mktag'], { input: body })).stdout;
  }
  // The all-zero old value makes creating an existing tag fail instead of moving it.
  const update = await runGit(
    ['--git-dir', repo.path, 'update-ref', ref, oid, ...(force ? [] : ['0'.repeat(40)])],
    { okCodes: [0, 128] },
  );
  if (update.exitCode !== 0)
    throw new Error(
      `tag ${JSON.stringify(name)} already exists in ${repo.name}; use moveTag to re-point it`,
    );
  return { name, oid, commit: commitOid };
}

/** Creates tag `name` at `target` (default `main`); annotated unless `annotated: false`. */
export async function tag(
  repo: BareRepo,
  name: string,
  target = 'main',
  opts: TagOptions = {},
): Promise<TagInfo> {
  return writeTag(repo, name, target, opts, false);
}

/** Re-points an existing tag (as upstream maintainers sometimes do after a release). */
export async function moveTag(
  repo: BareRepo,
  name: string,
  target: string,
  opts: TagOptions = {},
): Promise<TagInfo> {
  return writeTag(repo, name, target, opts, true);
}

export async function deleteTag(repo: BareRepo, name: string): Promise<void> {
  await deleteRef(repo, `refs/tags/${name}`);
}

/** Points any ref (e.g. `refs/heads/feature`) at a revision. */
export async function setRef(repo: BareRepo, ref: string, target: string): Promise<string> {
  const oid = await revParse(repo, target);
  await runGit(['--git-dir', repo.path, 'update-ref', ref, oid]);
  return oid;
}

export async function deleteRef(repo: BareRepo, ref: string): Promise<void> {
  await runGit(['--git-dir', repo.path, 'update-ref', '-d', ref]);
}

/** Every ref of the repository (`refs/...` → oid, tag objects unpeeled) and where `HEAD` points. */
export async function readRefs(
  repo: BareRepo,
): Promise<{ head: string | null; refs: Record<string, string> }> {
  const listed = await runGit([
    '--git-dir',
    repo.path,
    'for-each-ref',
    '--format=%(objectname) %(refname)',
  ]);
  const refs: Record<string, string> = {};
  for (const line of listed.stdout.split('\n')) {
    if (!line) continue;
    const space = line.indexOf(' ');
    refs[line.slice(space + 1)] = line.slice(0, space);
  }
  const head = await runGit(['--git-dir', repo.path, 'symbolic-ref', '--quiet', 'HEAD'], {
    okCodes: [0, 1],
  });
  return { head: head.exitCode === 0 ? head.stdout : null, refs };
}

/** Content of `path` at `rev`. */
export async function readFileAt(repo: BareRepo, rev: string, path: string): Promise<string> {
  return (await runGit(['--git-dir', repo.path, 'show', `${rev}:${path}`])).stdout;
}

/**
 * Copies refs between two local repositories (objects included), e.g. to pre-sync a
 * mirror: `copyRefs(upstream, mirror, ['+refs/heads/main:refs/heads/main', '+refs/tags/*:refs/tags/*'])`.
 */
export async function copyRefs(
  from: BareRepo,
  to: BareRepo,
  refspecs: readonly string[],
): Promise<void> {
  await runGit([
    '--git-dir',
    to.path,
    'fetch',
    '--quiet',
    '--no-tags',
    '--',
    from.path,
    ...refspecs,
  ]);
}

/** Points many refs at once (one `git update-ref --stdin`), e.g. 200 lightweight tags. */
export async function setRefs(repo: BareRepo, refs: Record<string, string>): Promise<void> {
  const resolved = new Map<string, string>();
  for (const target of new Set(Object.values(refs)))
    resolved.set(target, await revParse(repo, target));
  const lines = Object.entries(refs).map(
    ([ref, target]) => `update ${ref} ${resolved.get(target) ?? target}`,
  );
  await runGit(['--git-dir', repo.path, 'update-ref', '--stdin'], {
    input: `${lines.join('\n')}\n`,
  });
}

/** Makes `HEAD` point at `refs/heads/<branch>` (the repository's default branch). */
export async function setHead(repo: BareRepo, branch: string): Promise<void> {
  await runGit(['--git-dir', repo.path, 'symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
}
