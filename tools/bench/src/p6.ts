// P6 (issue 13): a known failure is tested once. 20 recipes get a new release; 5 suites are
// red and 2 deploys fail. The second sweep must run no test, and cost no more than a
// sweep over a fleet that is all canonical.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CANON_CLI, startInstantHealth, writeBenchConfig } from './canon.js';
import { createBenchFleet, writeCanonicals } from './fleet.js';
import { f, met, mustSucceed, range, stats, timed, type Stats } from './measure.js';

export type KnownFailureResult = {
  recipes: number;
  red: number;
  deployFailing: number;
  first: { ms: number; testSeconds: number; summary: Record<string, number> };
  second: Stats;
  secondTestSeconds: number;
  allCanonical: Stats;
  ratio: Stats;
};

type Run = { summary: Record<string, number>; recipes: { durationsMs: { test: number | null } }[] };

const RECIPES = 20;
const RED = 5;
const DEPLOY_FAILING = 2;

async function latest(stateDir: string): Promise<Run> {
  return JSON.parse(await readFile(join(stateDir, 'runs', 'latest.json'), 'utf8')) as Run;
}

const testSeconds = (run: Run): number => run.recipes.reduce((sum, r) => sum + (r.durationsMs.test ?? 0), 0) / 1000;

async function configure(path: string, red: readonly string[], failing: readonly string[]): Promise<void> {
  const config = JSON.parse(await readFile(path, 'utf8')) as { defaults: { test: Record<string, unknown>; promote: Record<string, unknown> } };
  // The suite sleeps 1 s (a stand-in for a cold CI run) and is red for `red`; deploy fails for `failing`.
  config.defaults.test.command = [process.execPath, '-e', `setTimeout(() => process.exit(${JSON.stringify(red)}.includes(process.env.CANON_RECIPE) ? 1 : 0), 1000)`];
  config.defaults.promote.deploy = [process.execPath, '-e', `process.exit(${JSON.stringify(failing)}.includes(process.env.CANON_RECIPE) ? 1 : 0)`];
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
}

export async function measureKnownFailures(runs: number): Promise<KnownFailureResult> {
  const fleet = await createBenchFleet(RECIPES, { presynced: true });
  const reference = await createBenchFleet(RECIPES, { presynced: true });
  const health = await startInstantHealth();
  try {
    const red = fleet.names.slice(0, RED);
    const failing = fleet.names.slice(RED, RED + DEPLOY_FAILING);
    const { path, stateDir } = await writeBenchConfig({ dir: fleet.dir, gitBase: fleet.server.baseUrl, names: fleet.names, healthUrl: health.url });
    await configure(path, red, failing);
    const current = fleet.tags.at(-1);
    if (current === undefined) throw new Error('bench fleet has no tags');
    await writeCanonicals(stateDir, fleet.names, current);
    await fleet.release('1.3.0+1.25.0');
    const sweep = (config: string, what: string) => timed([process.execPath, CANON_CLI, 'sweep', '--config', config]).then((s) => mustSucceed(s, what, [0, 1]));

    const first = await sweep(path, 'P6 first sweep');
    const firstRun = await latest(stateDir);
    const expected = { PROMOTED: RECIPES - RED - DEPLOY_FAILING, FAILED: RED, 'GREEN-BUT-PROMOTE-FAILED': DEPLOY_FAILING };
    for (const [outcome, count] of Object.entries(expected)) {
      if (firstRun.summary[outcome] !== count) throw new Error(`P6 first sweep: expected ${String(count)} ${outcome}, got ${JSON.stringify(firstRun.summary)}`);
    }

    // The reference: the same fleet shape, every recipe already canonical at its newest release.
    const ref = await writeBenchConfig({ dir: reference.dir, gitBase: reference.server.baseUrl, names: reference.names, healthUrl: health.url });
    const newest = reference.tags.at(-1);
    if (newest === undefined) throw new Error('bench fleet has no tags');
    await writeCanonicals(ref.stateDir, reference.names, newest);
    mustSucceed(await timed([process.execPath, CANON_CLI, 'sweep', '--config', ref.path]), 'P6 reference warm-up');

    const secondMs: number[] = [];
    const refMs: number[] = [];
    const ratios: number[] = [];
    let secondTestSeconds = 0;
    for (let i = 0; i < runs; i += 1) {
      const s = await sweep(path, 'P6 second sweep');
      const again = await latest(stateDir);
      if (again.summary.SKIPPED !== RECIPES) throw new Error(`P6 second sweep did not skip every recipe: ${JSON.stringify(again.summary)}`);
      secondTestSeconds = Math.max(secondTestSeconds, testSeconds(again));
      const r = mustSucceed(await timed([process.execPath, CANON_CLI, 'sweep', '--config', ref.path]), 'P6 all-canonical sweep');
      secondMs.push(s.ms);
      refMs.push(r.ms);
      ratios.push(s.ms / r.ms);
    }
    return {
      recipes: RECIPES, red: RED, deployFailing: DEPLOY_FAILING,
      first: { ms: first.ms, testSeconds: testSeconds(firstRun), summary: firstRun.summary },
      second: stats(secondMs), secondTestSeconds, allCanonical: stats(refMs), ratio: stats(ratios),
    };
  } finally {
    await health.close();
    await reference.close();
    await fleet.close();
  }
}


/** The P6 section of docs/performance.md. */
export function renderP6Section(r: KnownFailureResult, runs: number, date: string): string {
  return [
    '## P6: a known failure is tested once',
    '',
    `Measured by \`npm run bench -- --only P6\` on ${date.slice(0, 10)}. ${String(r.recipes)} recipes at their canonical get a new`,
    `release; the suite sleeps 1 s and is red for ${String(r.red)} of them, the deploy fails for ${String(r.deployFailing)}. The first sweep`,
    `tests all ${String(r.recipes)} (${f(r.first.ms / 1000)} s, test-seconds ${f(r.first.testSeconds)}; ${Object.entries(r.first.summary).filter(([, n]) => n > 0).map(([o, n]) => `${String(n)} ${o}`).join(', ')}).`,
    `The second sweep and a sweep over a fleet where every recipe is already canonical are then run`,
    `alternately, ${String(runs)} times each (min / **median** / max).`,
    '',
    '| measure | target | result | verdict |',
    '|---|---|---|---|',
    `| test-seconds of the second sweep (before verdicts: ${String(r.red + r.deployFailing)} × 1 s re-tested) | 0 | ${f(r.secondTestSeconds)} | ${met(r.secondTestSeconds === 0)} |`,
    `| second sweep wall time | | ${range(r.second, 0, ' ms')} | |`,
    `| all-canonical sweep wall time | | ${range(r.allCanonical, 0, ' ms')} | |`,
    `| second sweep ÷ all-canonical sweep | ≤ 1.2× | ${range(r.ratio, 3, '×')} | ${met(r.ratio.median <= 1.2)} |`,
    '',
    'The second sweep lists each recipe\'s state directory once, reads its verdicts.jsonl and',
    'approvals.jsonl where they exist, and skips the 7 known failures as `known-failed`; its',
    'remaining extra cost over the all-canonical sweep is reading the verdicts the first sweep wrote.',
    '',
  ].join('\n');
}
