import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createBareRepo,
  createRecipeRepo,
  startGitServer,
  tag,
  commit,
  type GitServer,
} from '@canon/testkit';
import { openRegistry } from '@canon/warm-registry';
import { writeBenchConfig } from './canon.js';

export type BenchFleet = {
  dir: string;
  server: GitServer;
  names: string[];
  /** Tags of every recipe (all recipes are byte-identical copies of one template). */
  tags: { name: string; commit: string }[];
  /** Adds release `version` to every upstream (used by P2). */
  release(version: string): Promise<{ name: string; commit: string }>;
  close(): Promise<void>;
};

const RELEASES = ['1.0.0+1.24.0', '1.1.0+1.24.1', '1.2.0+1.24.2'];

/**
 * N recipes whose upstream and mirror are copies of one template, so a 1,000-recipe
 * fleet builds in seconds; `presynced` mirrors equal their upstream, as after a sweep.
 */
export async function createBenchFleet(n: number, opts: { presynced: boolean }): Promise<BenchFleet> {
  const dir = await mkdtemp(join(tmpdir(), 'canon-bench-'));
  const root = join(dir, 'git');
  const template = await createRecipeRepo({ root, name: 'template/upstream', recipe: 'template', releases: RELEASES });
  const emptyMirror = await createBareRepo(root, 'template/mirror');
  const names = Array.from({ length: n }, (_, i) => `recipe-${String(i + 1).padStart(4, '0')}`);
  await mkdir(join(root, 'upstream'), { recursive: true });
  await mkdir(join(root, 'ci-mirrors'), { recursive: true });
  for (const name of names) {
    await cp(template.path, join(root, 'upstream', `${name}.git`), { recursive: true });
    await cp(opts.presynced ? template.path : emptyMirror.path, join(root, 'ci-mirrors', `${name}.git`), { recursive: true });
  }
  const server = await startGitServer({ root });
  const tags = template.tags.map((t) => ({ name: t.name, commit: t.commit }));
  return {
    dir,
    server,
    names,
    tags,
    async release(version) {
      const head = await commit(template, { files: { 'VERSION': `${version}\n` }, message: `release ${version}` });
      const info = await tag(template, version, head);
      for (const name of names) {
        await rm(join(root, 'upstream', `${name}.git`), { recursive: true, force: true });
        await cp(template.path, join(root, 'upstream', `${name}.git`), { recursive: true });
      }
      return { name: info.name, commit: info.commit };
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Records `version` as every recipe's canonical, as a sweep that promoted it would have. */
export async function writeCanonicals(stateDir: string, names: readonly string[], version: { name: string; commit: string }): Promise<void> {
  const registry = openRegistry({ stateDir });
  for (const recipe of names) {
    await registry.writeCanonical({
      schema: 1,
      recipe,
      version: version.name,
      tag: version.name,
      commit: version.commit,
      status: 'canonical',
      ts: '2026-11-22T03:00:00.000Z',
      domain: `warm-${recipe}.bench.test`,
      runId: 'bench-seed',
      previous: null,
    });
  }
}

/** The bench config over `fleet` with every recipe already canonical at the newest tag: a sweep has nothing to do. */
export async function writeNoopConfig(fleet: BenchFleet, opts: { healthUrl?: string } = {}): Promise<{ path: string; stateDir: string }> {
  const written = await writeBenchConfig({ dir: fleet.dir, gitBase: fleet.server.baseUrl, names: fleet.names, ...opts });
  const newest = fleet.tags.at(-1);
  if (newest === undefined) throw new Error('bench fleet has no tags');
  await writeCanonicals(written.stateDir, fleet.names, newest);
  return written;
}
