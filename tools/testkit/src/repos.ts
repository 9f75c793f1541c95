import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
export async function createBareRepo(root: string, name: string, opts: { initialBranch?: string } = {}): Promise<BareRepo> {
  const normalized = normalizeRepoName(name);
  const path = join(root, normalized);
  await mkdir(path, { recursive: true });
  await runGit(['init', '--quiet', '--bare', `--initial-branch=${opts.initialBranch ?? 'main'}`, path]);
  return { name: normalized, path };
}

/** `git rev-parse --verify <rev>` in the repository. */
export async function revParse(repo: BareRepo, rev: string): Promise<string> {
  return (await runGit(['--git-dir', repo.path, 'rev-parse', '--verify', '--end-of-options', rev])).stdout;
}

/** Like `revParse`, but null when the revision does not exist. */
export async function tryRevParse(repo: BareRepo, rev: string): Promise<string | null> {
  const result = await runGit(['--git-dir', repo.path, 'rev-parse', '--verify', '--quiet', '--end-of-options', rev], {
    okCodes: [0, 1],
  });
  return result.exitCode === 0 ? result.stdout : null;
}

function dateEnv(date: Date | string | undefined): Record<string, string> {
  if (date === undefined) return {};
  const value = date instanceof Date ? `${String(Math.floor(date.getTime() / 1000))} +0000` : date;
  return { GIT_AUTHOR_DATE: value, GIT_COMMITTER_DATE: value };
}

/**
 * Writes a commit straight into a bare repository (plumbing, no working tree) and moves
 * `refs/heads/<branch>` to it. Returns the commit oid.
 */
export async function commit(repo: BareRepo, opts: CommitOptions = {}): Promise<string> {
  const branch = opts.branch ?? 'main';
  const ref = `refs/heads/${branch}`;
  const tip = await tryRevParse(repo, `${ref}^{commit}`);
  const parents = opts.parents ? await Promise.all(opts.parents.map((p) => revParse(repo, `${p}^{commit}`))) : tip ? [tip] : [];
  const scratch = await mkdtemp(join(tmpdir(), 'canon-testkit-index-'));
  const env = { GIT_INDEX_FILE: join(scratch, 'index'), ...dateEnv(opts.date) };
  try {
    const git = (args: string[], input?: string) =>
      runGit(['--git-dir', repo.path, ...args], { env, ...(input === undefined ? {} : { input }) });
    await git(parents[0] ? ['read-tree', parents[0]] : ['read-tree', '--empty']);
    const lines: string[] = [];
    for (const [path, content] of Object.entries(opts.files ?? {})) {
      if (content === null) {
        lines.push(`0 ${'0'.repeat(40)}\t${path}`);
        continue;
      }
      const text = typeof content === 'string' ? content : content.content;
      const mode = typeof content === 'string' ? '100644' : '100755';
      const oid = (await git(['hash-object', '-w', '--stdin'], text)).stdout;
      lines.push(`${mode} ${oid}\t${path}`);
    }
    if (lines.length > 0) await git(['update-index', '--index-info'], `${lines.join('\n')}\n`);
    const tree = (await git(['write-tree'])).stdout;
    const parentArgs = parents.flatMap((p) => ['-p', p]);
    const message = opts.message ?? `Change ${Object.keys(opts.files ?? {}).join(', ') || 'nothing'} on ${branch}`;
    const oid = (await git(['commit-tree', tree, ...parentArgs, '-m', message])).stdout;
    await git(tip ? ['update-ref', ref, oid, tip] : ['update-ref', ref, oid]);
    return oid;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function writeTag(repo: BareRepo, name: string, target: string, opts: TagOptions, force: boolean): Promise<TagInfo> {
  const commitOid = await revParse(repo, `${target}^{commit}`);
  const ref = `refs/tags/${name}`;
  const existing = await tryRevParse(repo, ref);
  if (existing !== null && !force) throw new Error(`tag ${JSON.stringify(name)} already exists in ${repo.name}; use moveTag to re-point it`);
  let oid = commitOid;
  if (opts.annotated ?? true) {
    // Plumbing instead of `git tag`: porcelain refuses names such as `--upload-pack=…`
    // that a hostile upstream can still advertise, and the tests need those.
    const when = `${String(Math.floor(Date.now() / 1000))} +0000`;
    const body = `object ${commitOid}\ntype commit\ntag ${name}\ntagger Canon Fixture <fixture@canon.invalid> ${when}\n\n${opts.message ?? `Release ${name}`}\n`;
    oid = (await runGit(['--git-dir', repo.path, 'mktag'], { input: body })).stdout;
  }
  await runGit(['--git-dir', repo.path, 'update-ref', ref, oid]);
  return { name, oid, commit: commitOid };
}

/** Creates tag `name` at `target` (default `main`); annotated unless `annotated: false`. */
export async function tag(repo: BareRepo, name: string, target = 'main', opts: TagOptions = {}): Promise<TagInfo> {
  return writeTag(repo, name, target, opts, false);
}

/** Re-points an existing tag (as upstream maintainers sometimes do after a release). */
export async function moveTag(repo: BareRepo, name: string, target: string, opts: TagOptions = {}): Promise<TagInfo> {
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
export async function readRefs(repo: BareRepo): Promise<{ head: string | null; refs: Record<string, string> }> {
  const listed = await runGit(['--git-dir', repo.path, 'for-each-ref', '--format=%(objectname) %(refname)']);
  const refs: Record<string, string> = {};
  for (const line of listed.stdout.split('\n')) {
    if (!line) continue;
    const space = line.indexOf(' ');
    refs[line.slice(space + 1)] = line.slice(0, space);
  }
  const head = await runGit(['--git-dir', repo.path, 'symbolic-ref', '--quiet', 'HEAD'], { okCodes: [0, 1] });
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
export async function copyRefs(from: BareRepo, to: BareRepo, refspecs: readonly string[]): Promise<void> {
  await runGit(['--git-dir', to.path, 'fetch', '--quiet', '--no-tags', '--', from.path, ...refspecs]);
}
