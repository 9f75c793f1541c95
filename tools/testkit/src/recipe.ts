import { fastImport, gitTime, type ImportItem } from './internal/fast-import.js';
import type { BareRepo, FileContent, TagInfo } from './repos.js';
import { commit, createBareRepo, readRefs, setRef } from './repos.js';

/** A release: its tag name, or the tag with options (lightweight tags, extra files). */
export type RecipeRelease =
  string | { version: string; annotated?: boolean; files?: Record<string, FileContent> };

export type CreateRecipeRepoOptions = {
  /** Directory the git server serves. */
  root: string;
  /** Repository path under `root`, e.g. `upstream/gitea` (`.git` is appended). */
  name: string;
  /** Recipe name written into the files; default the last path segment of `name`. */
  recipe?: string;
  /** One commit per release, each tagged; default none (just the initial commit). */
  releases?: readonly RecipeRelease[];
  /** Untagged commits added on `main` after the last release. */
  untaggedCommits?: number;
  /** Extra files of the initial commit. */
  files?: Record<string, FileContent>;
};

export type RecipeRepo = BareRepo & { readonly tags: readonly TagInfo[]; readonly main: string };

function composeFile(recipe: string, version: string): string {
  const app = version.includes('+') ? version.slice(version.indexOf('+') + 1) : version;
  return `version: "3.8"\nservices:\n  app:\n    image: "example/${recipe}:${app}"\n    deploy:\n      labels:\n        - "coop-cloud.\${STACK_NAME}.version=${version}"\n`;
}

/**
 * Builds a bare recipe repository: an initial commit, then one commit per release
 * (`compose.yml` and `VERSION` carry the version) tagged with the release name — all
 * in one `git fast-import`.
 */
export async function createRecipeRepo(opts: CreateRecipeRepoOptions): Promise<RecipeRepo> {
  const repo = await createBareRepo(opts.root, opts.name);
  const recipe =
    opts.recipe ??
    repo.name
      .replace(/\.git$/, '')
      .split('/')
      .pop() ??
    'recipe';
  const when = gitTime();
  const items: ImportItem[] = [];
  let mark = 1;
  const add = (files: Record<string, FileContent>, message: string) => {
    items.push({
      kind: 'commit',
      ref: 'refs/heads/main',
      mark,
      parents: mark === 1 ? [] : [`:${String(mark - 1)}`],
      files,
      message,
      when,
    });
    mark += 1;
    return `:${String(mark - 1)}`;
  };
  add(
    {
      'README.md': `# ${recipe}\n\nA Co-op Cloud recipe (test fixture).\n`,
      'compose.yml': composeFile(recipe, '0.0.0'),
      ...opts.files,
    },
    `Initial ${recipe} recipe`,
  );
  const releases = (opts.releases ?? []).map((r) => (typeof r === 'string' ? { version: r } : r));
  for (const spec of releases) {
    const at = add(
      {
        'compose.yml': composeFile(recipe, spec.version),
        VERSION: `${spec.version}\n`,
        ...spec.files,
      },
      `chore: publish ${spec.version} release`,
    );
    items.push(
      spec.annotated === false
        ? { kind: 'reset', ref: `refs/tags/${spec.version}`, from: at }
        : { kind: 'tag', name: spec.version, from: at, message: `Release ${spec.version}`, when },
    );
  }
  for (let i = 1; i <= (opts.untaggedCommits ?? 0); i += 1) {
    add(
      { [`notes/untagged-${String(i)}.md`]: `work in progress ${String(i)}\n` },
      `wip ${String(i)}`,
    );
  }
  const marks = await fastImport(repo.path, items);
  const { refs } = await readRefs(repo);
  const tags: TagInfo[] = releases.map((spec, i) => {
    const oid = refs[`refs/tags/${spec.version}`];
    const commitOid = marks.get(i + 2);
    if (!oid || !commitOid)
      throw new Error(`fast-import did not create tag ${spec.version} in ${repo.name}`);
    return { name: spec.version, oid, commit: commitOid };
  });
  const main = refs['refs/heads/main'];
  if (!main) throw new Error(`fast-import did not create main in ${repo.name}`);
  return { ...repo, tags, main };
}

export type PullRefOptions = {
  number: number;
  /** Revision the PR head points at. */
  head: string;
  /** Also point `refs/heads/<branch>` there (the PR's source branch on the mirror). */
  branch?: string;
};

/** Points `refs/pull/<number>/head` (what Gitea keeps for every PR) at `head`; returns the oid. */
export async function pushPullRef(repo: BareRepo, opts: PullRefOptions): Promise<string> {
  const oid = await setRef(repo, `refs/pull/${String(opts.number)}/head`, `${opts.head}^{commit}`);
  if (opts.branch !== undefined) await setRef(repo, `refs/heads/${opts.branch}`, oid);
  return oid;
}

export type PullBranchOptions = {
  number: number;
  branch: string;
  /** Where the branch starts; default `main`. */
  from?: string;
  files: Record<string, FileContent>;
  message?: string;
};

/** Commits `files` on a new branch from `from` and publishes it as PR `number`'s head. */
export async function createPullBranch(repo: BareRepo, opts: PullBranchOptions): Promise<string> {
  const head = await commit(repo, {
    branch: opts.branch,
    parents: [opts.from ?? 'main'],
    files: opts.files,
    message: opts.message ?? `PR #${String(opts.number)} on ${opts.branch}`,
  });
  return pushPullRef(repo, { number: opts.number, head, branch: opts.branch });
}
