import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { reapOrphans, trackChild, untrackChild } from './children.js';
import { useTempDirs } from './testing/fixtures.js';
import { isGone, startWorker } from './testing/processes.js';
import { bundleWorker } from './testing/worker-bundle.js';

const tempDir = useTempDirs();
let bundle: Awaited<ReturnType<typeof bundleWorker>>;
const leftovers: number[] = [];
const children: ChildProcess[] = [];
beforeAll(async () => {
  bundle = await bundleWorker();
});
afterAll(() => bundle.dispose());
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, which is what the tests want
    }
  }
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

async function goneWithin(pids: number[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const gone = await Promise.all(pids.map(isGone));
    if (gone.every(Boolean)) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

/** A "sweep" that starts a tracked process group and is then SIGKILLed, leaving the group behind. */
async function killedSweepWithGroup(stateDir: string, runId: string, ignoreTerm: boolean) {
  const sweep = startWorker(bundle.path, [
    'start-group',
    stateDir,
    runId,
    ignoreTerm ? 'ignore-term' : '',
  ]);
  const started = await sweep.next(30_000);
  expect(started).toMatchObject({ leader: expect.any(Number), grandchild: expect.any(Number) });
  const { leader, grandchild } = started as { leader: number; grandchild: number };
  leftovers.push(leader, grandchild);
  sweep.child.kill('SIGKILL');
  await sweep.exited;
  expect(await isGone(leader)).toBe(false);
  expect(await isGone(grandchild)).toBe(false);
  return { leader, grandchild };
}

function sleeper(detached: boolean): ChildProcess & { pid: number } {
  const child = spawn('sleep', ['60'], { detached, stdio: 'ignore' });
  children.push(child);
  return child as ChildProcess & { pid: number };
}

it('the next sweep ends the process group a SIGKILLed sweep left behind, with SIGKILL after the grace', async () => {
  const stateDir = await tempDir();
  const { leader, grandchild } = await killedSweepWithGroup(stateDir, 'run-dead', true);
  const started = Date.now();
  const results = await reapOrphans({ stateDir, currentRunId: 'run-next', graceMs: 300 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  expect(results).toEqual([
    {
      pid: leader,
      pgid: leader,
      runId: 'run-dead',
      signalled: true,
      reason: 'ended',
      killed: true,
    },
  ]);
  expect(await goneWithin([leader, grandchild], 2000)).toBe(true);
  expect(await readdir(join(stateDir, 'children'))).toEqual([]);
});

it('a group that obeys SIGTERM is ended without SIGKILL', async () => {
  const stateDir = await tempDir();
  const { leader, grandchild } = await killedSweepWithGroup(stateDir, 'run-dead', false);
  const results = await reapOrphans({ stateDir, currentRunId: 'run-next', graceMs: 5000 });
  expect(results).toEqual([
    {
      pid: leader,
      pgid: leader,
      runId: 'run-dead',
      signalled: true,
      reason: 'ended',
      killed: false,
    },
  ]);
  expect(await goneWithin([leader, grandchild], 2000)).toBe(true);
});

it('a process that reused a recorded pid (other start time) is left alone', async () => {
  const stateDir = await tempDir();
  const bystander = sleeper(true);
  await trackChild({ stateDir, runId: 'run-old', pid: bystander.pid });
  const path = join(stateDir, 'children', 'run-old', `${bystander.pid}.json`);
  const record = JSON.parse(await readFile(path, 'utf8')) as { startTime: string };
  await writeFile(
    path,
    JSON.stringify({ ...record, startTime: String(Number(record.startTime) - 1000) }),
  );
  const results = await reapOrphans({ stateDir, currentRunId: 'run-next', graceMs: 200 });
  expect(results).toEqual([
    {
      pid: bystander.pid,
      pgid: bystander.pid,
      runId: 'run-old',
      signalled: false,
      reason: 'pid-reused',
      killed: false,
    },
  ]);
  await sleep(300);
  expect(await isGone(bystander.pid)).toBe(false);
  expect(await readdir(join(stateDir, 'children'))).toEqual([]);
});

it("leaves the current run's children alone and reports recorded ones that are already gone", async () => {
  const stateDir = await tempDir();
  const mine = sleeper(true);
  await trackChild({ stateDir, runId: 'run-now', pid: mine.pid });
  const finished = sleeper(true);
  await trackChild({ stateDir, runId: 'run-old', pid: finished.pid });
  finished.kill('SIGKILL');
  await new Promise((resolve) => finished.once('exit', resolve));
  const results = await reapOrphans({ stateDir, currentRunId: 'run-now', graceMs: 200 });
  expect(results).toEqual([
    {
      pid: finished.pid,
      pgid: finished.pid,
      runId: 'run-old',
      signalled: false,
      reason: 'gone',
      killed: false,
    },
  ]);
  expect(await isGone(mine.pid)).toBe(false);
  expect(await readdir(join(stateDir, 'children'))).toEqual(['run-now']);
  await untrackChild({ stateDir, runId: 'run-now', pid: mine.pid });
  expect(await readdir(join(stateDir, 'children', 'run-now'))).toEqual([]);
  await reapOrphans({ stateDir, currentRunId: 'run-later', graceMs: 200 });
  expect(await readdir(join(stateDir, 'children'))).toEqual([]);
});

it('tracks and untracks children of one run concurrently without losing a record', async () => {
  const stateDir = await tempDir();
  const procs = Array.from({ length: 6 }, () => sleeper(false));
  for (let round = 0; round < 20; round += 1) {
    await Promise.all(
      procs.map(async (p, i) => {
        if ((round + i) % 2 === 0) await trackChild({ stateDir, runId: 'run-busy', pid: p.pid });
        else await untrackChild({ stateDir, runId: 'run-busy', pid: p.pid });
      }),
    );
  }
  const tracked = (await readdir(join(stateDir, 'children', 'run-busy'))).sort();
  const expected = procs
    .filter((_, i) => (19 + i) % 2 === 0)
    .map((p) => `${p.pid}.json`)
    .sort();
  expect(tracked).toEqual(expected);
});

it('a tracked process that is not a group leader is signalled alone, never its group', async () => {
  const stateDir = await tempDir();
  const inOurGroup = sleeper(false);
  const neighbour = sleeper(false);
  await trackChild({ stateDir, runId: 'run-old', pid: inOurGroup.pid });
  const results = await reapOrphans({ stateDir, currentRunId: 'run-next', graceMs: 1000 });
  expect(results).toMatchObject([
    { pid: inOurGroup.pid, signalled: true, reason: 'ended', killed: false },
  ]);
  expect(results[0]?.pgid).not.toBe(inOurGroup.pid);
  expect(await goneWithin([inOurGroup.pid], 2000)).toBe(true);
  expect(await isGone(neighbour.pid)).toBe(false);
});

it('an exited process is not tracked; bad pids are refused', async () => {
  const stateDir = await tempDir();
  const done = sleeper(true);
  done.kill('SIGKILL');
  await new Promise((resolve) => done.once('exit', resolve));
  await trackChild({ stateDir, runId: 'run-a', pid: done.pid });
  expect(await reapOrphans({ stateDir, currentRunId: 'run-b' })).toEqual([]);
  await expect(trackChild({ stateDir, runId: 'run-a', pid: 1 })).rejects.toMatchObject({
    code: 'INVALID_NAME',
  });
  await expect(trackChild({ stateDir, runId: '../x', pid: done.pid })).rejects.toMatchObject({
    code: 'INVALID_NAME',
  });
});
