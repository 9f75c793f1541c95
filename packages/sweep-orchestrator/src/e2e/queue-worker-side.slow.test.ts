import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { VerdictRecord } from '@canon/warm-registry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScenario, must, type Scenario } from '../testing/e2e-harness.js';
import { startQueueSide, type E2eWorker, type QueueSide } from '../testing/queue-workers.js';

// Real redis-server, real `canon worker` processes and the built CLI: generous limits for loaded machines.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 300_000 });

let s: Scenario | null = null;
let q: QueueSide | null = null;
afterEach(async () => {
  await q?.close();
  await s?.close();
  q = null;
  s = null;
});

// The suite's revision comes from the host's environment (passEnv), as a cc-ci checkout differs per host.
const REVISION_SCRIPT = "process.stdout.write(process.env.E2E_SUITE_REV ?? '');\n";
// A suite that says where it ran and what it inherited, then passes.
const WHERE_SCRIPT = String.raw`
import { appendFileSync } from 'node:fs';
appendFileSync(process.argv[2] + '/where.jsonl', JSON.stringify({ recipe: process.env.CANON_RECIPE, cwd: process.cwd(), passed: process.env.E2E_PASSED ?? null }) + '\n');
`;

async function queueScenario(patch: (dir: string) => Record<string, unknown>, recipes = ['alpha']): Promise<{ sc: Scenario; qs: QueueSide }> {
  const sc = await createScenario({ recipes, presynced: true });
  s = sc;
  const qs = await startQueueSide(sc);
  q = qs;
  await sc.writeConfig({ ...patch(sc.dir), execution: qs.execution });
  return { sc, qs };
}

async function verdicts(sc: Scenario, recipe: string): Promise<VerdictRecord[]> {
  const file = join(sc.stateDir, 'recipes', recipe, 'verdicts.jsonl');
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as VerdictRecord);
}

async function stop(worker: E2eWorker): Promise<void> {
  worker.child.kill('SIGTERM');
  await worker.exited;
}

describe('a queued test runs on the worker as it would run locally', () => {
  it('a worker whose suite revision differs ends the recipe ERROR suite-revision-mismatch, one whose revision command fails ERROR suite-revision; neither is a verdict, and a matching worker promotes', async () => {
    const { sc, qs } = await queueScenario((dir) => ({
      passEnv: ['E2E_SUITE_REV'],
      defaults: { test: { revision: [process.execPath, join(dir, 'bin', 'revision.mjs')] } },
    }));
    await writeFile(join(sc.dir, 'bin', 'revision.mjs'), REVISION_SCRIPT);
    const sweepEnv = { E2E_SUITE_REV: 'rev-a' };

    const other = await qs.startWorker('w1', { env: { E2E_SUITE_REV: 'rev-b' } });
    const mismatched = await sc.canon(['sweep'], { env: sweepEnv, timeoutMs: 120_000 });
    expect(mismatched.code, mismatched.stderr).toBe(1);
    const first = (await sc.latestRun()).recipes[0];
    expect(first).toMatchObject({ recipe: 'alpha', outcome: 'ERROR' });
    expect(first?.detail).toContain(`suite-revision-mismatch: worker ${hostname()} ran the suite at revision "rev-b", the sweep host's is "rev-a"`);
    // The suite ran on the worker, but its result is no verdict: nothing deployed, nothing recorded as final.
    expect((await sc.calls()).map((c) => c.recipe)).toEqual(['alpha']);
    expect(await sc.readCanonical('alpha')).toBeNull();
    expect(sc.warm.events().filter((e) => e.op === 'deploy')).toEqual([]);
    expect((await verdicts(sc, 'alpha')).filter((v) => v.final)).toEqual([]);
    await stop(other);

    const broken = await qs.startWorker('w2', { env: { E2E_SUITE_REV: undefined } });
    const failed = await sc.canon(['sweep'], { env: sweepEnv, timeoutMs: 120_000 });
    expect(failed.code, failed.stderr).toBe(1);
    const second = (await sc.latestRun()).recipes[0];
    expect(second).toMatchObject({ recipe: 'alpha', outcome: 'ERROR' });
    expect(second?.detail).toMatch(/suite-revision: test\.revision \[.*\] printed nothing; expected the suite's revision on stdout; untested .* \(on \S+\)/);
    // The worker stopped before the suite: no second call.
    expect(await sc.calls()).toHaveLength(1);
    await stop(broken);

    await qs.startWorker('w3', { env: { E2E_SUITE_REV: 'rev-a' } });
    const matched = await sc.canon(['sweep'], { env: sweepEnv, timeoutMs: 120_000 });
    expect(matched.code, matched.stderr).toBe(0);
    expect((await sc.latestRun()).recipes[0]).toMatchObject({ recipe: 'alpha', outcome: 'PROMOTED' });
    expect(await sc.calls()).toHaveLength(2);
    expect(await sc.readCanonical('alpha')).not.toBeNull();
  });

  it('the worker runs the test in test.cwd expanded against its own checkout, with the passEnv variables of its own environment', async () => {
    const { sc, qs } = await queueScenario((dir) => ({
      passEnv: ['E2E_PASSED'],
      recipes: { alpha: { test: { command: [process.execPath, join(dir, 'bin', 'where.mjs'), dir], cwd: '{checkout}/..' } } },
    }));
    await writeFile(join(sc.dir, 'bin', 'where.mjs'), WHERE_SCRIPT);
    const worker = await qs.startWorker('w1', { env: { E2E_PASSED: 'from-w1' } });
    const sweep = await sc.canon(['sweep'], { env: { E2E_PASSED: 'from-the-sweep-host' }, timeoutMs: 120_000 });
    expect(sweep.code, sweep.stderr).toBe(0);
    expect((await sc.latestRun()).recipes[0]).toMatchObject({ recipe: 'alpha', outcome: 'PROMOTED' });
    const lines = (await readFile(join(sc.dir, 'where.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([{ recipe: 'alpha', cwd: join(worker.workDir, 'checkouts'), passed: 'from-w1' }]);
  });

  it('concurrency caps the tests in flight, not the recipes: the next recipe is checked out on the sweep host while the first one\'s test runs', async () => {
    const { sc, qs } = await queueScenario(() => ({ concurrency: 1 }), ['alpha', 'beta']);
    await sc.behave({ alpha: 'sleep:3', beta: 'sleep:3' });
    await Promise.all(['w1', 'w2'].map((n) => qs.startWorker(n)));
    const sweep = await sc.canon(['sweep', '--json'], { timeoutMs: 120_000 });
    expect(sweep.code, sweep.stderr).toBe(0);
    expect((await sc.latestRun()).recipes.map((e) => e.outcome)).toEqual(['PROMOTED', 'PROMOTED']);
    type Phase = { type: string; at: string; recipe: string; phase: string };
    const phases = sweep.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Phase).filter((e) => e.type === 'phase');
    const at = (recipe: string, phase: string) => Date.parse(must(phases.find((e) => e.recipe === recipe && e.phase === phase), `${recipe} ${phase}`).at);
    const calls = await sc.calls();
    expect(calls.map((c) => c.recipe).sort()).toEqual(['alpha', 'beta']);
    const [first, second] = calls.map((c) => c.recipe) as [string, string];
    // The second recipe got as far as its checkout before the first one's test ended...
    expect(at(second, 'checkout')).toBeLessThan(at(first, 'gate'));
    // ...but its test waited, and said when it started: one test in flight at a time, though two workers were free.
    expect(Date.parse(must(calls[1], 'the second call').at) - Date.parse(must(calls[0], 'the first call').at)).toBeGreaterThanOrEqual(3000);
    const started = at(second, 'test-started');
    expect(started).toBeGreaterThanOrEqual(Date.parse(must(calls[0], 'the first call').at) + 3000);
    expect(started).toBeLessThanOrEqual(Date.parse(must(calls[1], 'the second call').at));
  });
});
