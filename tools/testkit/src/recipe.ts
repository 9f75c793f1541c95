import type { BareRepo, FileContent, TagInfo } from './repos.js';
import { commit, createBareRepo, revParse, setRef, tag } from './repos.js';

/** A release: its tag name, or the tag with options (lightweight tags, extra files). */
export type RecipeRelease = string | { version: string; annotated?: boolean; files?: Record<string, FileContent> };

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
 * (`compose.yml` and `VERSION` carry the version) tagged with the release name.
 */
export async function createRecipeRepo(opts: CreateRecipeRepoOptions): Promise<RecipeRepo> {
  const repo = await createBareRepo(opts.root, opts.name);
  const recipe = opts.recipe ?? repo.name.replace(/\.git$/, '').split('/').pop() ?? 'recipe';
  await commit(repo, {
    files: { 'README.md': `# ${recipe}\n\nA Co-op Cloud recipe (test fixture).\n`, 'compose.yml': composeFile(recipe, '0.0.0'), ...opts.files },
    message: `Initial ${recipe} recipe`,
  });
  const tags: TagInfo[] = [];
  for (const release of opts.releases ?? []) {
    const spec = typeof release === 'string' ? { version: release } : release;
    await commit(repo, {
      files: { 'compose.yml': composeFile(recipe, spec.version), VERSION: `${spec.version}\n`, ...spec.files },
      message: `chore: publish ${spec.version} release`,
    });
    tags.push(await tag(repo, spec.version, 'main', { annotated: spec.annotated ?? true }));
  }
  for (let i = 1; i <= (opts.untaggedCommits ?? 0); i += 1) {
    await commit(repo, { files: { [`notes/untagged-${String(i)}.md`]: `work in progress ${String(i)}\n` }, message: `wip ${String(i)}` });
  }
  return { ...repo, tags, main: await revParse(repo, 'refs/heads/main') };
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
