import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunRecord } from '@canon/warm-registry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alive, createScenario, killLeftovers, must, readPid, waitFor, type Scenario } from '../testing/e2e-harness.js';

// Each scenario runs the real CLI, git and several processes: generous limits for loaded CI machines.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

// Processes the scenarios leave: a failing test must not leak them into the next one.
const leftovers: number[] = [];
let s: Scenario | null = null;
afterEach(async () => {
  killLeftovers(leftovers);
  await s?.close();
  s = null;
});

async function hangingPids(sc: Scenario, recipe: string): Promise<{ child: number; grandchild: number }> {
  const child = await waitFor(() => readPid(join(sc.dir, `hanging-${recipe}.pid`)), 45_000, 'the hanging suite');
  const grandchild = await waitFor(() => readPid(join(sc.dir, `grandchild-${recipe}.pid`)), 5_000, 'its grandchild');
  leftovers.push(child, grandchild);
  return { child, grandchild };
}

describe('one sweep at a time, and nothing left running', () => {
  it('five concurrent sweeps: one runs, four exit 75 at once naming the holder', async () => {
    const sc = await createScenario({ recipes: ['alpha'], presynced: true });
    s = sc;
    await sc.behave({ alpha: 'sleep:4' });
    const runs = Array.from({ length: 5 }, () => sc.start(['sweep']));
    const results = await Promise.all(runs.map((r) => r.done));
    const locked = results.filter((r) => r.code === 75);
    expect(locked).toHaveLength(4);
    const holder = must(results.find((r) => r.code !== 75), 'the sweep that ran');
    for (const r of locked) {
      // "At once": refused while the holder is still inside its 4 s suite, not after it.
      expect(r.ms).toBeLessThan(holder.ms - 2_000);
      expect(r.stderr).toMatch(/another sweep is running: pid \d+ on \S+, run \S+, started \S+/);
    }
    expect(await s.calls()).toHaveLength(1);
  });

  it('a hanging suite with a grandchild that ignores SIGTERM ends TIMED-OUT and nothing is left running', async () => {
    s = await createScenario({ recipes: ['alpha'], presynced: true });
    await s.writeConfig({ defaults: { test: { timeoutSeconds: 1.5 } } });
    await s.behave({ alpha: 'hang-grandchild' });
    const r = await s.canon(['sweep']);
    const pids = await hangingPids(s, 'alpha');
    expect(r.code).toBe(1);
    const run = await s.latestRun();
    expect(run.recipes[0]?.outcome).toBe('TIMED-OUT');
    expect(alive(pids.child)).toBe(false);
    expect(alive(pids.grandchild)).toBe(false);
    expect(await s.readCanonical('alpha')).toBeNull();
  });

  it.each([
    { sig: 'SIGTERM', code: 143 },
    { sig: 'SIGINT', code: 130 },
  ] as const)('$sig: exit $code, run.json says interrupted, children stopped, lock free', async ({ sig, code }) => {
    s = await createScenario({ recipes: ['alpha', 'beta'], presynced: true });
    await s.behave({ alpha: 'hang-grandchild', beta: 'fail' });
    const sweep = s.start(['sweep']);
    const pids = await hangingPids(s, 'alpha');
    const second = await s.canon(['sweep']);
    expect(second.code).toBe(75);
    expect(second.stderr).toMatch(/now at recipe alpha, phase test/);
    sweep.child.kill(sig);
    const r = await sweep.done;
    expect(r.code).toBe(code);
    const runId = must((await s.runIds())[0], 'a run directory');
    const run = JSON.parse(await readFile(join(s.stateDir, 'runs', runId, 'run.json'), 'utf8')) as RunRecord;
    expect(run.interrupted).toBe(true);
    expect(run.exitCode).toBe(code);
    expect(run.finishedAt).not.toBeNull();
    expect(alive(pids.child)).toBe(false);
    expect(alive(pids.grandchild)).toBe(false);
    await s.behave({ alpha: 'fail', beta: 'fail' });
    const next = await s.canon(['sweep']);
    expect(next.code, next.stderr).toBe(1);
  });

  it('kill -9 mid-test: the next sweep waits out the stale window, then runs and reaps the orphans', async () => {
    const sc = await createScenario({ recipes: ['alpha'], presynced: true });
    s = sc;
    await sc.behave({ alpha: 'hang-grandchild' });
    const sweep = sc.start(['sweep']);
    const pids = await hangingPids(sc, 'alpha');
    sweep.child.kill('SIGKILL');
    await sweep.done;
    expect(alive(pids.child)).toBe(true);
    // run.json is written as the run goes: the killed run left a readable partial record.
    const killedId = must((await sc.runIds())[0], 'the killed run');
    const partial = JSON.parse(await readFile(join(sc.stateDir, 'runs', killedId, 'run.json'), 'utf8')) as RunRecord;
    expect(partial).toMatchObject({ finishedAt: null, exitCode: null, recipes: [{ recipe: 'alpha', outcome: null, tested: { version: '0.2.0+1.1.0' } }] });
    await s.behave({ alpha: 'fail' });
    const started = Date.now();
    const next = await waitFor(async () => {
      const r = await sc.canon(['sweep']);
      return r.code === 75 ? null : r;
    }, 40_000, 'the stale lock to be taken over');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(next.code, next.stderr).toBe(1);
    expect(next.stdout).toMatch(/ended process group \d+ left behind by run/);
    expect(alive(pids.child)).toBe(false);
    expect(alive(pids.grandchild)).toBe(false);
    expect((await s.latestRun()).recipes[0]?.outcome).toBe('FAILED');
  });

  it('the sweep lock is released after a normal run', async () => {
    s = await createScenario({ recipes: ['alpha'], presynced: true });
    await s.behave({ alpha: 'fail' });
    expect((await s.canon(['sweep'])).code).toBe(1);
    // Not 75: the lock was released. The red is a final verdict, so this sweep skips it (known-failed, exit 0).
    expect((await s.canon(['sweep'])).code).toBe(0);
    expect(existsSync(join(s.stateDir, 'runs', 'latest.json'))).toBe(true);
  });
});
