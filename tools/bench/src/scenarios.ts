import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CANON_CLI, TRUE, startInstantHealth, writeBenchConfig } from './canon.js';
import { createBenchFleet, writeCanonicals, writeNoopConfig, type BenchFleet } from './fleet.js';
import { mustSucceed, stats, timed, type Stats } from './measure.js';

const run = promisify(execFile);
const GIT_ENV = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

// The system canon replaces synced each recipe with a fetch and a mirror-style push.
const NAIVE_LOOP = `
set -eu
cache=$1 base=$2; shift 2
for r in "$@"; do
  git -C "$cache/$r.git" fetch --quiet --prune --tags origin
  git -C "$cache/$r.git" push --quiet --force "$base/ci-mirrors/$r.git" refs/heads/main:refs/heads/main 'refs/tags/*:refs/tags/*'
done
`;

async function prepareNaiveCaches(fleet: BenchFleet, cache: string): Promise<void> {
  await mkdir(cache, { recursive: true });
  for (const name of fleet.names) {
    await run('git', ['clone', '--quiet', '--mirror', `${fleet.server.baseUrl}/upstream/${name}.git`, join(cache, `${name}.git`)], { env: GIT_ENV });
  }
}

export type NoopResult = {
  recipes: number;
  canon: Stats;
  naive: Stats;
  ratio: Stats;
  requestsPerRecipe: number;
  naiveRequestsPerRecipe: number;
};

/** P1 / P5: a sweep over `n` recipes all at their canonical, against the naive loop. */
export async function measureNoopSweep(n: number, runs: number): Promise<NoopResult> {
  const fleet = await createBenchFleet(n, { presynced: true });
  try {
    const { path, stateDir } = await writeNoopConfig(fleet);
    const cache = join(fleet.dir, 'naive-cache');
    await prepareNaiveCaches(fleet, cache);
    const canonMs: number[] = [];
    const naiveMs: number[] = [];
    const ratios: number[] = [];
    let requests = 0;
    let naiveRequests = 0;
    // Warm both once (page cache, first checkout of node modules) before measuring.
    mustSucceed(await timed([process.execPath, CANON_CLI, 'sweep', '--config', path]), 'warm-up canon sweep');
    for (let i = 0; i < runs; i += 1) {
      fleet.server.resetCounters();
      const c = mustSucceed(await timed([process.execPath, CANON_CLI, 'sweep', '--config', path]), 'canon sweep');
      requests = fleet.server.requests.count;
      fleet.server.resetCounters();
      const b = mustSucceed(await timed(['bash', '-c', NAIVE_LOOP, 'naive', cache, fleet.server.baseUrl, ...fleet.names], { env: GIT_ENV }), 'naive loop');
      naiveRequests = fleet.server.requests.count;
      canonMs.push(c.ms);
      naiveMs.push(b.ms);
      ratios.push(c.ms / b.ms);
    }
    const latest = JSON.parse(await readFile(join(stateDir, 'runs', 'latest.json'), 'utf8')) as { summary: Record<string, number> };
    if (latest.summary.SKIPPED !== n) throw new Error(`no-op sweep did not skip every recipe: ${JSON.stringify(latest.summary)}`);
    return {
      recipes: n,
      canon: stats(canonMs),
      naive: stats(naiveMs),
      ratio: stats(ratios),
      requestsPerRecipe: requests / n,
      naiveRequestsPerRecipe: naiveRequests / n,
    };
  } finally {
    await fleet.close();
  }
}

export type OverheadResult = { recipes: number; canon: Stats; commands: Stats; perRecipe: Stats };

/** P2: canon's own cost per recipe when the suite and the deploy cost nothing. */
export async function measureOverhead(n: number, runs: number): Promise<OverheadResult> {
  const fleet = await createBenchFleet(n, { presynced: true });
  const health = await startInstantHealth();
  try {
    const { path, stateDir } = await writeBenchConfig({ dir: fleet.dir, gitBase: fleet.server.baseUrl, names: fleet.names, healthUrl: health.url });
    const current = fleet.tags.at(-1);
    if (current === undefined) throw new Error('bench fleet has no tags');
    await fleet.release('1.3.0+1.25.0');
    const canonMs: number[] = [];
    const commandMs: number[] = [];
    const perRecipe: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      await rm(join(stateDir, 'registry'), { recursive: true, force: true });
      await writeCanonicals(stateDir, fleet.names, current);
      const c = mustSucceed(await timed([process.execPath, CANON_CLI, 'sweep', '--config', path]), 'canon sweep (P2)');
      const latest = JSON.parse(await readFile(join(stateDir, 'runs', 'latest.json'), 'utf8')) as { summary: Record<string, number> };
      if (latest.summary.PROMOTED !== n) throw new Error(`P2 sweep did not promote every recipe: ${JSON.stringify(latest.summary)}`);
      // The commands' own wall: the same 2n runs of `true` (test + deploy), spawned here.
      let own = 0;
      for (let k = 0; k < 2 * n; k += 1) own += mustSucceed(await timed([TRUE]), 'true').ms;
      canonMs.push(c.ms);
      commandMs.push(own);
      perRecipe.push((c.ms - own) / n);
    }
    return { recipes: n, canon: stats(canonMs), commands: stats(commandMs), perRecipe: stats(perRecipe) };
  } finally {
    await health.close();
    await fleet.close();
  }
}

export type StartupResult = { canon: Stats; node: Stats; ratio: Stats };

/** P3: `canon --version` against `node -e 0`, alternated so both see the same machine. */
export async function measureStartup(runs: number): Promise<StartupResult> {
  const canonMs: number[] = [];
  const nodeMs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const c = mustSucceed(await timed([process.execPath, CANON_CLI, '--version']), 'canon --version');
    const b = mustSucceed(await timed([process.execPath, '-e', '0']), 'node -e 0');
    canonMs.push(c.ms);
    nodeMs.push(b.ms);
    ratios.push(c.ms / b.ms);
  }
  return { canon: stats(canonMs), node: stats(nodeMs), ratio: stats(ratios) };
}

export type MemoryResult = { recipes: number; peakRssMb: Stats; baselineRssMb: Stats; plan: Stats };

/** P4: peak RSS of `canon plan` over `n` recipes (GNU time's maximum resident set size). */
export async function measurePlanMemory(n: number, runs: number): Promise<MemoryResult> {
  const fleet = await createBenchFleet(n, { presynced: true });
  try {
    const { path } = await writeBenchConfig({ dir: fleet.dir, gitBase: fleet.server.baseUrl, names: fleet.names });
    const rss: number[] = [];
    const base: number[] = [];
    const ms: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const c = mustSucceed(await timed(['/usr/bin/time', '-f', 'maxrss_kb=%M', process.execPath, CANON_CLI, 'plan', '--config', path]), 'canon plan');
      const b = mustSucceed(await timed(['/usr/bin/time', '-f', 'maxrss_kb=%M', process.execPath, '-e', '0']), 'node -e 0');
      rss.push(maxRssMb(c.stderr));
      base.push(maxRssMb(b.stderr));
      ms.push(c.ms);
    }
    return { recipes: n, peakRssMb: stats(rss), baselineRssMb: stats(base), plan: stats(ms) };
  } finally {
    await fleet.close();
  }
}

function maxRssMb(stderr: string): number {
  const m = /maxrss_kb=(\d+)/.exec(stderr);
  if (!m?.[1]) throw new Error(`GNU time printed no maxrss: ${stderr.slice(-500)}`);
  return Number(m[1]) / 1024;
}
