// P7 (issue 17): cold tests spread over workers. 40 recipes get a new release whose suite
// sleeps 3 s. One sweep tests them locally one at a time; another through the queue on 4
// `canon worker` processes with 1 slot each, on this machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CANON_CLI, startInstantHealth, writeBenchConfig } from './canon.js';
import { createBenchFleet, writeCanonicals } from './fleet.js';
import { mustSucceed, stats, timed, type Stats } from './measure.js';
import { startBenchRedis } from './redis.js';

const RECIPES = 40;
const WORKERS = 4;
const TEST_SECONDS = 3;

export type QueueScalingResult = {
  recipes: number;
  workers: number;
  testSeconds: number;
  localMs: number;
  queueMs: number;
  idealMs: number;
  efficiency: number;
  /** Per test: the sweep's test phase minus the suite's own run time. */
  localCost: Stats;
  queueCost: Stats;
};

type Run = { summary: Record<string, number>; recipes: { recipe: string; durationsMs: { test: number | null } }[] };
type PhaseEvent = { type: string; at: string; recipe: string | null; phase?: string };

/**
 * What each test cost beyond the suite itself: from the sweep's `test` phase event to the
 * recipe's next phase, minus the run time the executor reported (the worker's, when queued).
 */
function costsOf(ndjson: string, run: Run): number[] {
  const events = ndjson.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as PhaseEvent).filter((e) => e.type === 'phase');
  return run.recipes.map((r) => {
    const mine = events.filter((e) => e.recipe === r.recipe);
    const i = mine.findIndex((e) => e.phase === 'test');
    const next = mine[i + 1];
    const test = mine[i];
    if (test === undefined || next === undefined || r.durationsMs.test === null) throw new Error(`P7: ${r.recipe} has no test phase in the sweep's events`);
    return Date.parse(next.at) - Date.parse(test.at) - r.durationsMs.test;
  });
}

async function sweepOnce(path: string, stateDir: string, what: string): Promise<{ ms: number; costs: number[] }> {
  const sample = mustSucceed(await timed([process.execPath, CANON_CLI, 'sweep', '--json', '--config', path]), what);
  const run = JSON.parse(await readFile(join(stateDir, 'runs', 'latest.json'), 'utf8')) as Run;
  if (run.summary.PROMOTED !== RECIPES) throw new Error(`${what}: expected ${String(RECIPES)} PROMOTED, got ${JSON.stringify(run.summary)}`);
  return { ms: sample.ms, costs: costsOf(sample.stdout, run) };
}

async function startWorker(config: Record<string, unknown>, dir: string): Promise<ChildProcess> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'canon.config.json');
  await writeFile(path, JSON.stringify({ ...config, stateDir: join(dir, 'state'), workDir: join(dir, 'work') }, null, 2));
  const child = spawn(process.execPath, [CANON_CLI, 'worker', '--slots', '1', '--config', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`P7: a worker did not start:\n${err}`)), 30_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('taking jobs')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

export async function measureQueueScaling(): Promise<QueueScalingResult> {
  const fleet = await createBenchFleet(RECIPES, { presynced: true });
  const health = await startInstantHealth();
  const redis = await startBenchRedis();
  const workers: ChildProcess[] = [];
  try {
    const { path, stateDir } = await writeBenchConfig({ dir: fleet.dir, gitBase: fleet.server.baseUrl, names: fleet.names, healthUrl: health.url });
    const config = JSON.parse(await readFile(path, 'utf8')) as { defaults: { test: Record<string, unknown> } } & Record<string, unknown>;
    config.defaults.test.command = ['sleep', String(TEST_SECONDS)];
    const current = fleet.tags.at(-1);
    if (current === undefined) throw new Error('bench fleet has no tags');
    await writeCanonicals(stateDir, fleet.names, current);

    await writeFile(path, JSON.stringify({ ...config, concurrency: 1 }, null, 2));
    await fleet.release('1.3.0+1.25.0');
    const local = await sweepOnce(path, stateDir, 'P7 local sweep');

    const queued = { ...config, concurrency: WORKERS, execution: { mode: 'queue', redis: { url: redis.url } } };
    await writeFile(path, JSON.stringify(queued, null, 2));
    for (let i = 1; i <= WORKERS; i += 1) workers.push(await startWorker(queued, join(fleet.dir, `worker-${String(i)}`)));
    await fleet.release('1.4.0+1.26.0');
    const queue = await sweepOnce(path, stateDir, 'P7 queue sweep');

    const idealMs = (RECIPES * TEST_SECONDS * 1000) / WORKERS;
    return {
      recipes: RECIPES, workers: WORKERS, testSeconds: TEST_SECONDS,
      localMs: local.ms, queueMs: queue.ms, idealMs, efficiency: idealMs / queue.ms,
      localCost: stats(local.costs), queueCost: stats(queue.costs),
    };
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => (w.exitCode === null ? new Promise((resolve) => w.once('exit', resolve)) : null)));
    await redis.stop();
    await health.close();
    await fleet.close();
  }
}

const f = (x: number, digits = 1): string => x.toFixed(digits);
const range = (s: Stats, digits = 0, unit = ''): string => `${f(s.min, digits)} / **${f(s.median, digits)}** / ${f(s.max, digits)}${unit}`;

/** The P7 section of docs/performance.md. */
export function renderP7Section(r: QueueScalingResult, date: string): string {
  const met = (ok: boolean): string => (ok ? 'met' : '**missed**');
  return [
    '## P7: cold tests on several workers',
    '',
    `Measured by \`npm run bench -- --only P7\` on ${date.slice(0, 10)}. ${String(r.recipes)} recipes at their canonical get a new`,
    `release whose suite sleeps ${String(r.testSeconds)} s (test = \`sleep ${String(r.testSeconds)}\`, deploy = \`true\`, an instant health endpoint).`,
    `One sweep tests them locally with \`concurrency: 1\`; after a second release, another sweep sends them`,
    `through BullMQ on a local \`redis-server\` to ${String(r.workers)} \`canon worker\` processes with 1 slot each on this machine`,
    `(\`concurrency: ${String(r.workers)}\`; each worker checks the tag out from the mirror itself). One run each.`,
    '',
    '| measure | target | result | verdict |',
    '|---|---|---|---|',
    `| local sweep, \`concurrency: 1\` | | ${f(r.localMs / 1000)} s | |`,
    `| queue sweep, ${String(r.workers)} workers × 1 slot | | ${f(r.queueMs / 1000)} s (${f(r.localMs / r.queueMs, 2)}× faster) | |`,
    `| scaling efficiency: ideal (${String(r.recipes)} × ${String(r.testSeconds)} s ÷ ${String(r.workers)} = ${f(r.idealMs / 1000)} s) ÷ measured | ≥ 0.85 | ${f(r.efficiency, 3)} | ${met(r.efficiency >= 0.85)} |`,
    `| canon's added cost per queued test (min / **median** / max) | ≤ 100 ms | ${range(r.queueCost, 0, ' ms')} | ${met(r.queueCost.median <= 100)} |`,
    `| the same for a local test | | ${range(r.localCost, 0, ' ms')} | |`,
    '',
    'The added cost of a test is the time from the sweep\'s `test` phase to the recipe\'s next',
    'phase, minus the suite\'s own run time as the executor reports it (the worker\'s, for a',
    'queued test). For a queued test it holds the enqueue, the worker\'s pick-up, its checkout',
    'of the tag from the mirror, the result\'s way back and the sweep host\'s log of it; for a',
    'local test, the process-group and log set-up. The efficiency also carries what stays',
    'serial in the sweep: sync, decision, promote and registry writes of every recipe.',
    '',
    'Where a queued test\'s extra time goes: every job\'s worker checks the tag out itself, and',
    'here every recipe is new to every worker, so each job starts with a first checkout of its',
    'mirror over the loopback server (which spawns `git http-backend` per request); a worker',
    'that keeps its `workDir` between sweeps only fetches the new tag. The sweep host still',
    'checks the tag out too, in its own `checkout` phase (outside this figure, but inside the',
    'wall time). Four workers, the sweep, the git server and Redis share the machine\'s 2 cores',
    '(with other processes of the project running beside the benchmark): both figures carry CPU',
    'contention that separate worker hosts would not have; those add network round trips instead.',
    '',
  ].join('\n');
}

/** Replaces the P7 section of an existing performance doc (or adds it before "## Details"). */
export function withP7Section(doc: string, section: string): string {
  const start = doc.indexOf('## P7:');
  if (start !== -1) {
    const next = doc.indexOf('\n## ', start + 1);
    return doc.slice(0, start) + section + (next === -1 ? '' : doc.slice(next + 1));
  }
  const details = doc.indexOf('## Details');
  return details === -1 ? `${doc.trimEnd()}\n\n${section}` : doc.slice(0, details) + section + '\n' + doc.slice(details);
}
