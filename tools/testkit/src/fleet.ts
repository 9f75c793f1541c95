import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startForge, type ForgeOptions, type ForgeStandIn } from './forge.js';
import { startGitServer, type GitServer } from './git-server.js';
import {
  createRecipeRepo,
  createPullBranch,
  type RecipeRelease,
  type RecipeRepo,
} from './recipe.js';
import { copyRefs, createBareRepo, type BareRepo, type FileContent } from './repos.js';

export type FleetRecipeSpec = {
  name: string;
  /** Default: the fleet's `releases`. */
  releases?: readonly RecipeRelease[];
  untaggedCommits?: number;
  /** Default: the fleet's `presynced`. */
  presynced?: boolean;
  files?: Record<string, FileContent>;
};

export type CreateFleetOptions = {
  /** A number builds `recipe-1` … `recipe-N`. */
  recipes: number | readonly (string | FleetRecipeSpec)[];
  /** Releases of every recipe that does not list its own; default `['0.1.0+1.0.0', '0.2.0+1.1.0']`. */
  releases?: readonly RecipeRelease[];
  /** Mirror already holds upstream's `main` and tags (as after a sync); default false (empty mirror). */
  presynced?: boolean;
  /** Start a forge stand-in too (with options); default false. */
  forge?: boolean | ForgeOptions;
  /** Where the repositories live; default a fresh temp dir, removed by `close()`. */
  root?: string;
  /** Default `upstream`. */
  upstreamOwner?: string;
  /** Default `ci-mirrors`. */
  mirrorOwner?: string;
};

export type FleetRecipe = {
  name: string;
  upstream: RecipeRepo;
  mirror: BareRepo;
  upstreamUrl: string;
  mirrorUrl: string;
  /** The mirror's forge repository (`<owner>/<repo>` of the mirror URL, as SPEC.md derives it). */
  forgeRepo: { owner: string; repo: string };
};

export type OpenPullOptions = {
  number?: number;
  branch: string;
  from?: string;
  files: Record<string, FileContent>;
  title?: string;
  message?: string;
};

export type Fleet = {
  root: string;
  server: GitServer;
  forge: ForgeStandIn | null;
  recipes: FleetRecipe[];
  /** The recipe by name; throws for an unknown name. */
  recipe(name: string): FleetRecipe;
  /** Commits a PR branch on the recipe's mirror, sets `refs/pull/<n>/head`, and opens the PR on the forge. */
  openPull(recipe: string, opts: OpenPullOptions): Promise<{ number: number; head: string }>;
  close(): Promise<void>;
};

const BUILD_CONCURRENCY = 4;
const DEFAULT_RELEASES: readonly RecipeRelease[] = ['0.1.0+1.0.0', '0.2.0+1.1.0'];

/**
 * Builds recipes — an upstream and a mirror bare repository each — under one root served
 * by one loopback git server, plus (optionally) a forge stand-in for the mirrors' PRs.
 */
export async function createFleet(opts: CreateFleetOptions): Promise<Fleet> {
  const ownRoot = opts.root === undefined;
  const root = opts.root ?? (await mkdtemp(join(tmpdir(), 'canon-fleet-')));
  const upstreamOwner = opts.upstreamOwner ?? 'upstream';
  const mirrorOwner = opts.mirrorOwner ?? 'ci-mirrors';
  const specs: FleetRecipeSpec[] =
    typeof opts.recipes === 'number'
      ? Array.from({ length: opts.recipes }, (_, i) => ({ name: `recipe-${String(i + 1)}` }))
      : opts.recipes.map((r) => (typeof r === 'string' ? { name: r } : r));

  const server = await startGitServer({ root });
  const forge = opts.forge ? await startForge(opts.forge === true ? {} : opts.forge) : null;
  const build = async (spec: FleetRecipeSpec): Promise<FleetRecipe> => {
    const upstream = await createRecipeRepo({
      root,
      name: `${upstreamOwner}/${spec.name}`,
      recipe: spec.name,
      releases: spec.releases ?? opts.releases ?? DEFAULT_RELEASES,
      untaggedCommits: spec.untaggedCommits ?? 0,
      ...(spec.files ? { files: spec.files } : {}),
    });
    const mirror = await createBareRepo(root, `${mirrorOwner}/${spec.name}`);
    if (spec.presynced ?? opts.presynced ?? false) {
      await copyRefs(upstream, mirror, [
        '+refs/heads/main:refs/heads/main',
        '+refs/tags/*:refs/tags/*',
      ]);
    }
    return {
      name: spec.name,
      upstream,
      mirror,
      upstreamUrl: server.url(upstream.name),
      mirrorUrl: server.url(mirror.name),
      forgeRepo: { owner: mirrorOwner, repo: spec.name },
    };
  };
  const recipes: FleetRecipe[] = [];
  try {
    // A few at a time: each recipe is a handful of git processes.
    for (let i = 0; i < specs.length; i += BUILD_CONCURRENCY) {
      recipes.push(...(await Promise.all(specs.slice(i, i + BUILD_CONCURRENCY).map(build))));
    }
    // The forge hosts the mirrors, as the real one does.
    for (const r of recipes) forge?.addRepo(r.forgeRepo.owner, r.forgeRepo.repo);
  } catch (error) {
    await server.close();
    await forge?.close();
    if (ownRoot) await rm(root, { recursive: true, force: true });
    throw error;
  }

  const recipe = (name: string): FleetRecipe => {
    const found = recipes.find((r) => r.name === name);
    if (!found)
      throw new Error(
        `fleet has no recipe ${JSON.stringify(name)}; it has ${recipes.map((r) => r.name).join(', ')}`,
      );
    return found;
  };

  return {
    root,
    server,
    forge,
    recipes,
    recipe,
    async openPull(name, o) {
      const r = recipe(name);
      const number =
        o.number ??
        (forge
          ? Math.max(
              0,
              ...forge.pulls(r.forgeRepo.owner, r.forgeRepo.repo).map((p) => p.number ?? 0),
            ) + 1
          : 1);
      const head = await createPullBranch(r.mirror, {
        number,
        branch: o.branch,
        files: o.files,
        ...(o.from === undefined ? {} : { from: o.from }),
        ...(o.message === undefined ? {} : { message: o.message }),
      });
      forge?.addPull({
        ...r.forgeRepo,
        number,
        head: { ref: o.branch, sha: head },
        ...(o.title === undefined ? {} : { title: o.title }),
      });
      return { number, head };
    },
    async close() {
      await server.close();
      await forge?.close();
      if (ownRoot) await rm(root, { recursive: true, force: true });
    },
  };
}
