import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commit, tag } from '@canon/testkit';
import type { RunRecord } from '@canon/warm-registry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alive, createScenario, killLeftovers, must, readPid, waitFor, type Scenario } from '../testing/e2e-harness.js';
import { REDIS_PASSWORD, startQueueSide, type QueueSide } from '../testing/queue-workers.js';
import { filesUnder } from '../testing/files-under.js';

// Real redis-server, real `canon worker` processes and the built CLI: generous limits for loaded machines.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 300_000 });

let s: Scenario | null = null;
let q: QueueSide | null = null;
const leftovers: number[] = [];
afterEach(async () => {
  killLeftovers(leftovers);
  await q?.close();
  await s?.close();
  q = null;
  s = null;
});

async function queueScenario(recipes: string[], patch: Record<string, unknown> = {}): Promise<{ sc: Scenario; qs: QueueSide }> {
  const sc = await createScenario({ recipes, presynced: true });
  s = sc;
  const qs = await startQueueSide(sc);
  q = qs;
  await sc.writeConfig({ ...patch, execution: qs.execution });
  return { sc, qs };
}

/** A registry record with what differs between two runs of the same sweep (its run id and time) left out. */
async function canonicalOf(stateDir: string, recipe: string): Promise<Record<string, unknown> | null> {
  const bytes = await readFile(join(stateDir, 'registry', recipe, 'canonical.json')).catch(() => null);
  if (bytes === null) return null;
  const { ts: _ts, runId: _runId, ...rest } = JSON.parse(bytes.toString()) as Record<string, unknown>;
  return rest;
}

/** The password opened Redis for the sweep; no output, record or log of the sweep holds it. */
async function expectNoPassword(sc: Scenario, output: string): Promise<void> {
  expect(output).not.toContain(REDIS_PASSWORD);
  for (const file of await filesUnder(join(sc.stateDir, 'runs'))) {
    expect(await readFile(file, 'utf8'), file).not.toContain(REDIS_PASSWORD);
  }
}

const deploysOf = (sc: Scenario, recipe: string) => sc.warm.events(`warm-${recipe}.ci.test`).filter((e) => e.op === 'deploy' && e.outcome === 'ok');

describe('a queue-mode sweep with real redis-server and canon worker processes', () => {
  it('8 recipes on 3 workers: the same outcomes and registry records as the same sweep run locally', async () => {
    const recipes = Array.from({ length: 8 }, (_, i) => `app-${i + 1}`);
    const { sc, qs } = await queueScenario(recipes);
    const plan = Object.fromEntries(recipes.map((r, i) => [r, i % 3 === 2 ? 'fail' : 'pass']));
    await sc.behave(plan);
    const common = { concurrency: 3, defaults: { test: { retries: 1 } } };

    await sc.writeConfig({ ...common, stateDir: join(sc.dir, 'local-state'), workDir: join(sc.dir, 'local-work') });
    const local = await sc.canon(['sweep'], { timeoutMs: 180_000 });
    expect(local.code, local.stderr).toBe(1);
    const localRun = JSON.parse(await readFile(join(sc.dir, 'local-state', 'runs', 'latest.json'), 'utf8')) as RunRecord;
    const localRecords = await Promise.all(recipes.map((r) => canonicalOf(join(sc.dir, 'local-state'), r)));
    expect(localRecords.map((c) => c?.version ?? null)).toEqual(recipes.map((r) => (plan[r] === 'fail' ? null : '0.2.0+1.1.0')));
    const localCalls = (await sc.calls()).length;
    for (const r of recipes) sc.warm.setDeployed(`warm-${r}.ci.test`, null);

    await sc.writeConfig({ ...common, execution: qs.execution });
    const workers = await Promise.all(['w1', 'w2', 'w3'].map((n) => qs.startWorker(n)));
    const queued = await sc.canon(['sweep'], { timeoutMs: 180_000 });
    expect(queued.code, queued.stderr).toBe(1);
    const run = await sc.latestRun();

    const view = (r: RunRecord) => r.recipes.map((e) => ({ recipe: e.recipe, outcome: e.outcome, testVerdict: e.testVerdict, attempts: e.attempts?.length }));
    expect(view(run)).toEqual(view(localRun));
    expect(view(run).map((e) => e.outcome)).toEqual(recipes.map((r) => (plan[r] === 'fail' ? 'FAILED' : 'PROMOTED')));
    expect(await Promise.all(recipes.map((r) => canonicalOf(sc.stateDir, r)))).toEqual(localRecords);
    // Each test ran once per sweep (a red one twice: its retry), wherever it ran.
    expect((await sc.calls()).length - localCalls).toBe(localCalls);
    // run.json names the worker host that ran each tested recipe; a local run names none.
    for (const e of run.recipes) expect(e.tested?.worker).toEqual(expect.any(String));
    for (const e of localRun.recipes) expect(e.tested).not.toHaveProperty('worker');
    const ranOn = (await sc.calls()).slice(localCalls).map((c) => workers.findIndex((w) => c.checkout.startsWith(w.workDir)));
    expect(ranOn.every((i) => i >= 0), JSON.stringify(ranOn)).toBe(true);
    expect(new Set(ranOn).size, `calls per worker: ${JSON.stringify(ranOn)}`).toBeGreaterThan(1);
    // The sweep host keeps where each full log is, and its last bytes.
    const log = await readFile(join(sc.stateDir, 'runs', run.runId, 'app-3', 'test.log'), 'utf8');
    expect(log).toMatch(/canon: ran on \S+: exit 1 after [\d.]+ s\ncanon: full log \S+:\/\S+\/w[123]\/state\/worker-runs\/\S+\/app-3\/test\.log \(sha256 [0-9a-f]{64}\)\ncanon: failure line: /);
    await expectNoPassword(sc, queued.stdout + queued.stderr);
  });

  it('retries and baseline runs go through the queue too: a regression and an always-failed suite told apart on the workers', async () => {
    const sc = await createScenario({ recipes: [{ name: 'reg', releases: ['1.0.0+1'] }, { name: 'always', releases: ['1.0.0+1'] }], presynced: true });
    s = sc;
    const qs = await startQueueSide(sc);
    q = qs;
    await sc.writeConfig({ concurrency: 2, execution: qs.execution, defaults: { test: { baseline: 'on-red', retries: 1 } } });
    const workers = await Promise.all(['w1', 'w2'].map((n) => qs.startWorker(n)));
    const seeded = await sc.canon(['sweep']);
    expect(seeded.code, seeded.stderr).toBe(0);
    for (const name of ['reg', 'always']) {
      const up = sc.fleet.recipe(name).upstream;
      await commit(up, { files: { VERSION: '1.1.0+1\n' } });
      await tag(up, '1.1.0+1');
    }
    await sc.behave({ 'reg@1.1.0+1': 'fail', always: 'fail' });
    const sweep = await sc.canon(['sweep']);
    expect(sweep.code, sweep.stderr).toBe(1);
    const run = await sc.latestRun();
    const of = (name: string) => run.recipes.find((r) => r.recipe === name);
    expect([of('reg')?.outcome, of('reg')?.testVerdict]).toEqual(['FAILED', 'regression']);
    expect([of('always')?.outcome, of('always')?.testVerdict]).toEqual(['FAILED', 'always-failed']);
    const reg = (await sc.calls()).filter((c) => c.recipe === 'reg' && c.runId === run.runId);
    // The red, its retry, then the baseline on the canonical's recorded commit, each on a worker.
    expect(reg.map((c) => c.version)).toEqual(['1.1.0+1', '1.1.0+1', '1.0.0+1']);
    expect(reg.every((c) => workers.some((w) => c.checkout.startsWith(w.workDir)))).toBe(true);
    expect(reg[2]?.checkout).toMatch(/\/w[12]\/work\/checkouts\/reg@baseline$/);
    expect(await readFile(join(sc.stateDir, 'runs', run.runId, 'reg', 'baseline.log'), 'utf8')).toMatch(/canon: ran on \S+: exit 0/);
  });

  it('a worker SIGKILLed mid-test: the job finishes on another worker, the recipe is promoted once, and the killed worker reaps its test when it restarts', async () => {
    const { sc, qs } = await queueScenario(['alpha']);
    await sc.behave({ alpha: 'hang' });
    const workers = await Promise.all(['w1', 'w2'].map((n) => qs.startWorker(n)));
    const sweep = sc.start(['sweep']);
    const orphan = await waitFor(() => readPid(join(sc.dir, 'hanging-alpha.pid')), 60_000, 'the hanging suite');
    leftovers.push(orphan);
    const first = must((await sc.calls())[0], 'the first call');
    const killed = must(workers.find((w) => first.checkout.startsWith(w.workDir)), 'the worker running the test');
    await sc.behave({ alpha: 'pass' });
    killed.child.kill('SIGKILL');
    await killed.exited;

    const done = await sweep.done;
    expect(done.code, done.stderr).toBe(0);
    const run = await sc.latestRun();
    expect(run.recipes[0]).toMatchObject({ recipe: 'alpha', outcome: 'PROMOTED' });
    const calls = await sc.calls();
    expect(calls).toHaveLength(2);
    const other = must(workers.find((w) => w !== killed), 'the other worker');
    expect(calls[1]?.checkout.startsWith(other.workDir)).toBe(true);
    expect(deploysOf(sc, 'alpha')).toHaveLength(1);
    // The killed worker's test outlived it; the same host restarted ends it before taking jobs.
    expect(alive(orphan)).toBe(true);
    const restarted = await qs.startWorker(killed.name);
    expect(restarted.stderr()).toMatch(/ended 1 process group\(s\) a previous worker left behind/);
    await waitFor(() => !alive(orphan) || null, 10_000, 'the orphaned test to be gone');
  });

  it('a job that loses its worker more often than maxStalls allows ends ERROR "worker lost", not a verdict, and is tested again next sweep', async () => {
    const { sc, qs } = await queueScenario(['alpha']);
    await sc.writeConfig({ execution: { ...qs.execution, maxStalls: 0 } });
    await sc.behave({ alpha: 'hang' });
    const workers = await Promise.all(['w1', 'w2'].map((n) => qs.startWorker(n)));
    const sweep = sc.start(['sweep']);
    leftovers.push(await waitFor(() => readPid(join(sc.dir, 'hanging-alpha.pid')), 60_000, 'the hanging suite'));
    const first = must((await sc.calls())[0], 'the first call');
    const killed = must(workers.find((w) => first.checkout.startsWith(w.workDir)), 'the worker running the test');
    killed.child.kill('SIGKILL');

    const done = await sweep.done;
    expect(done.code, done.stderr).toBe(1);
    const run = await sc.latestRun();
    expect(run.recipes[0]).toMatchObject({ recipe: 'alpha', outcome: 'ERROR' });
    expect(run.recipes[0]?.detail).toContain('worker lost: the job lost its worker more often than execution.maxStalls allows');
    expect(await sc.calls()).toHaveLength(1);
    expect(await sc.readCanonical('alpha')).toBeNull();

    await sc.behave({ alpha: 'pass' });
    const next = await sc.canon(['sweep'], { timeoutMs: 120_000 });
    expect(next.code, next.stderr).toBe(0);
    expect((await sc.latestRun()).recipes[0]).toMatchObject({ recipe: 'alpha', outcome: 'PROMOTED' });
  });

  it('SIGTERM of the sweep mid-test: every worker ends its test group within killGraceSeconds + 5 s, the waiting job is removed, run.json says interrupted', async () => {
    const recipes = ['alpha', 'beta', 'gamma', 'delta'];
    // Four tests in flight on three workers: one job waits.
    const { sc, qs } = await queueScenario(recipes, { concurrency: 4 });
    await sc.behave(Object.fromEntries(recipes.map((r) => [r, 'hang-grandchild'])));
    await Promise.all(['w1', 'w2', 'w3'].map((n) => qs.startWorker(n)));
    const sweep = sc.start(['sweep']);
    const started = async () => (await Promise.all(recipes.map(async (r) => ((await readPid(join(sc.dir, `hanging-${r}.pid`))) === null ? null : r)))).filter((r) => r !== null);
    const running = await waitFor(async () => ((await started()).length >= 3 ? started() : null), 60_000, 'three tests to start');
    const pids: number[] = [];
    for (const r of running) {
      pids.push(await waitFor(() => readPid(join(sc.dir, `hanging-${r}.pid`)), 60_000, `${r}'s suite`));
      pids.push(await waitFor(() => readPid(join(sc.dir, `grandchild-${r}.pid`)), 10_000, `${r}'s grandchild`));
    }
    leftovers.push(...pids);
    // The fourth recipe has reached its test too, and a moment later its job waits for a free worker.
    await waitFor(async () => {
      const id = (await sc.runIds())[0];
      if (id === undefined) return null;
      const live = JSON.parse(await readFile(join(sc.stateDir, 'runs', id, 'run.json'), 'utf8')) as RunRecord;
      return live.recipes.every((e) => e.detail.startsWith('testing ')) || null;
    }, 30_000, 'every recipe to reach its test');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const sent = Date.now();
    sweep.child.kill('SIGTERM');
    await waitFor(() => pids.every((p) => !alive(p)) || null, 30_000, 'every test group to be gone');
    // killGraceSeconds is 0.5 in the scenario.
    expect(Date.now() - sent).toBeLessThan(5_500);
    const done = await sweep.done;
    expect(done.code).toBe(143);
    // The workers are free again, and the job that waited is gone: no fourth test starts.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await sc.calls()).map((c) => c.recipe).sort()).toEqual([...running].sort());
    const run = await sc.latestRun();
    expect(run.interrupted).toBe(true);
    expect(run.recipes.every((e) => e.outcome === 'ERROR')).toBe(true);
    for (const r of recipes) expect(await sc.readCanonical(r)).toBeNull();
  });

  it('redis-server stopped mid-sweep: the recipes end ERROR, the registry is untouched, exit 1 in bounded time', async () => {
    const recipes = ['alpha', 'beta', 'gamma'];
    const { sc, qs } = await queueScenario(recipes, { concurrency: 2, defaults: { test: { timeoutSeconds: 120 } } });
    await sc.behave(Object.fromEntries(recipes.map((r) => [r, 'sleep:100'])));
    await Promise.all(['w1', 'w2'].map((n) => qs.startWorker(n)));
    const sweep = sc.start(['sweep']);
    await waitFor(async () => ((await sc.calls()).length >= 2 ? true : null), 60_000, 'two tests to start');
    const tests = (await sc.calls()).map((c) => c.pid);
    leftovers.push(...tests);
    await qs.redis.kill();
    const killedAt = Date.now();

    const done = await sweep.done;
    // Far below the 120 s test timeout: the sweep gives up on Redis within its bound.
    expect(Date.now() - killedAt).toBeLessThan(45_000);
    expect(done.code, done.stderr).toBe(1);
    const run = await sc.latestRun();
    expect(run.recipes.map((e) => e.outcome)).toEqual(['ERROR', 'ERROR', 'ERROR']);
    expect(run.recipes[0]?.detail).toContain('Redis at redis://127.0.0.1:');
    for (const r of recipes) expect(await sc.readCanonical(r)).toBeNull();
    expect(sc.warm.events()).toEqual([]);
    // Workers fence their tests when their locks cannot be renewed: nothing runs on unseen.
    await waitFor(() => tests.every((p) => !alive(p)) || null, 15_000, 'the workers to end their tests');
    await expectNoPassword(sc, done.stdout + done.stderr);
  });

  it('a sweep killed with SIGKILL and started again adopts the finished job instead of running the test again', async () => {
    const { sc, qs } = await queueScenario(['alpha']);
    await sc.behave({ alpha: 'sleep:2' });
    const worker = await qs.startWorker('w1');
    const killed = sc.start(['sweep']);
    await waitFor(async () => ((await sc.calls()).length >= 1 ? true : null), 60_000, 'the test to start');
    killed.child.kill('SIGKILL');
    await killed.done;
    await waitFor(() => (/: ran exit 0/.test(worker.stderr()) ? true : null), 30_000, 'the job to finish on the worker');
    const deadId = must((await sc.runIds())[0], 'the killed run');

    const again = await waitFor(async () => {
      const r = await sc.canon(['sweep']);
      return r.code === 75 ? null : r;
    }, 60_000, 'the stale lock to be taken over');
    expect(again.code, again.stderr).toBe(0);
    expect(await sc.calls()).toHaveLength(1);
    const run = await sc.latestRun();
    expect(run.runId).not.toBe(deadId);
    expect(run.recipes[0]).toMatchObject({ recipe: 'alpha', outcome: 'PROMOTED' });
    const log = await readFile(join(sc.stateDir, 'runs', run.runId, 'alpha', 'test.log'), 'utf8');
    expect(log).toContain('canon: adopted from the interrupted run (not run again)');
    expect(log).toContain(`@${deadId}`);
  });
});
