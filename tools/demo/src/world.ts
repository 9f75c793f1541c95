// The demo's world: upstream and mirror repositories on a loopback git server, the forge
// stand-in, and the warm host standing in for abra + Docker Swarm. `advanceWeek` makes
// what happens upstream between two weekly sweeps happen.

import { commit, createFleet, revParse, startWarmHost, tag, type Fleet, type WarmHost } from '@canon/testkit';
import { DEMO_RECIPES, PULLS, type DemoRecipe } from './fleet-plan.js';

export type World = { fleet: Fleet; warm: WarmHost; close(): Promise<void> };

export const domainOf = (recipe: string): string => `warm-${recipe}.demo.test`;

function composeFile(recipe: string, version: string): string {
  const app = version.slice(version.indexOf('+') + 1);
  return `version: "3.8"\nservices:\n  app:\n    image: "example/${recipe}:${app}"\n    deploy:\n      labels:\n        - "coop-cloud.\${STACK_NAME}.version=${version}"\n`;
}

const releaseFiles = (recipe: string, version: string): Record<string, string> => ({
  'compose.yml': composeFile(recipe, version),
  VERSION: `${version}\n`,
});

export async function buildWorld(root: string): Promise<World> {
  const fleet = await createFleet({
    root,
    recipes: DEMO_RECIPES.map((r) => ({ name: r.name, releases: r.before })),
    forge: true,
  });
  let warm: WarmHost;
  try {
    warm = await startWarmHost();
    for (const r of DEMO_RECIPES) {
      if (r.unhealthy) warm.configure(domainOf(r.name), { unhealthyVersions: r.unhealthy, volumeBytes: 734_003_200 });
      else warm.configure(domainOf(r.name), { volumeBytes: 52_428_800 + r.name.length * 31_457_280 });
      if (r.infra !== undefined) warm.setDeployed(domainOf(r.name), r.infra.running);
    }
    // Tags from before the recipe used semver: listed as ignored, never a trigger.
    await tag(fleet.recipe('gitea').upstream, '1.14.1-rootless_1', 'main~1', { annotated: false });
  } catch (error) {
    await fleet.close();
    throw error;
  }
  return {
    fleet,
    warm,
    async close() {
      await warm.close();
      await fleet.close();
    },
  };
}

async function release(world: World, recipe: DemoRecipe, version: string, extra: Record<string, string> = {}): Promise<void> {
  const upstream = world.fleet.recipe(recipe.name).upstream;
  await commit(upstream, { files: { ...releaseFiles(recipe.name, version), ...extra }, message: `chore: publish ${version} release` });
  await tag(upstream, version, 'main');
}

export type Week = { news: string[]; pulls: { contained: number; open: number } };

/** Upstream's week: new releases, a backport, untagged work, and two PRs on our gitea mirror. */
export async function advanceWeek(world: World): Promise<Week> {
  const news: string[] = [];
  const contained = await world.fleet.openPull(PULLS.recipe, {
    branch: PULLS.contained.branch, title: PULLS.contained.title, files: { [PULLS.contained.path]: PULLS.contained.content },
  });
  const open = await world.fleet.openPull(PULLS.recipe, {
    branch: PULLS.open.branch, title: PULLS.open.title, files: { [PULLS.open.path]: PULLS.open.content },
  });
  news.push(`${PULLS.recipe} mirror: PR #${contained.number} "${PULLS.contained.title}" (upstream will ship it), PR #${open.number} "${PULLS.open.title}" (upstream will not)`);
  for (const recipe of DEMO_RECIPES) {
    const upstream = world.fleet.recipe(recipe.name).upstream;
    for (const version of recipe.after) {
      const extra: Record<string, string> = recipe.name === PULLS.recipe ? { [PULLS.contained.path]: PULLS.contained.content } : {};
      await release(world, recipe, version, extra);
      news.push(`${recipe.name} released ${version}`);
    }
    if (recipe.backport) {
      const base = await revParse(upstream, `refs/tags/${recipe.backport.from}^{commit}`);
      await commit(upstream, {
        branch: recipe.backport.branch, parents: [base],
        files: releaseFiles(recipe.name, recipe.backport.version), message: `chore: backport ${recipe.backport.version}`,
      });
      await tag(upstream, recipe.backport.version, recipe.backport.branch);
      news.push(`${recipe.name} backported ${recipe.backport.version} on ${recipe.backport.branch} (tagged last, but older)`);
    }
    for (let i = 1; i <= (recipe.untagged ?? 0); i += 1) {
      await commit(upstream, { files: { [`docs/notes-${i}.md`]: `work in progress ${i}\n` }, message: `docs: notes ${i}` });
    }
    if (recipe.untagged) news.push(`${recipe.name}: ${recipe.untagged} commits on main, still no release tag`);
  }
  return { news, pulls: { contained: contained.number, open: open.number } };
}
