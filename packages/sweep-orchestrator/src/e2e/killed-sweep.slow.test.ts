import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunRecord } from '@canon/warm-registry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScenario, killLeftovers, must, readPid, waitFor, type Scenario } from '../testing/e2e-harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

let s: Scenario | null = null;
const leftovers: number[] = [];
afterEach(async () => {
  killLeftovers(leftovers);
  await s?.close();
  s = null;
});

const readRunFile = async (sc: Scenario, runId: string): Promise<RunRecord> =>
  JSON.parse(await readFile(join(sc.stateDir, 'runs', runId, 'run.json'), 'utf8')) as RunRecord;

describe('a sweep killed with SIGKILL', () => {
  it('is closed as interrupted by the next sweep, with the time it was noticed, and never becomes the latest run', async () => {
    const sc = await createScenario({ recipes: ['alpha'], presynced: true });
    s = sc;
    await sc.behave({ alpha: 'hang' });
    const killed = sc.start(['sweep']);
    leftovers.push(await waitFor(() => readPid(join(sc.dir, 'hanging-alpha.pid')), 45_000, 'the hanging suite'));
    killed.child.kill('SIGKILL');
    await killed.done;
    const killedAt = Date.now();
    const deadId = must((await sc.runIds())[0], 'the killed run');
    expect(await readRunFile(sc, deadId)).toMatchObject({ finishedAt: null, interrupted: false });

    await sc.behave({ alpha: 'fail' });
    const next = await waitFor(async () => {
      const r = await sc.canon(['sweep']);
      return r.code === 75 ? null : r;
    }, 40_000, 'the stale lock to be taken over');
    expect(next.code, next.stderr).toBe(1);
    expect(next.stdout).toContain(`run ${deadId} never finished (its sweep was killed); recorded it as interrupted`);

    const dead = await readRunFile(sc, deadId);
    expect(dead).toMatchObject({ runId: deadId, interrupted: true, exitCode: null });
    const noticed = Date.parse(must(dead.finishedAt, 'finishedAt of the killed run'));
    expect(noticed).toBeGreaterThanOrEqual(killedAt);
    expect(noticed).toBeLessThanOrEqual(Date.now());
    const latest = await sc.latestRun();
    expect(latest.runId).not.toBe(deadId);
    expect(latest).toMatchObject({ interrupted: false, recipes: [{ recipe: 'alpha', outcome: 'FAILED' }] });
    expect(await sc.runIds()).toEqual([deadId, latest.runId]);
  });
});
