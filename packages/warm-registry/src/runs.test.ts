import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryError } from './errors.js';
import { recipeRunOf, runOf, useTempDirs } from './testing/fixtures.js';
import { summarizeOutcomes } from './records/run.js';
import { closeUnfinishedRuns, createRun, listRuns, newRunId, pruneRuns, readLatestFullRun, readLatestRun, readRun } from './runs.js';

const tempDir = useTempDirs();

async function caught(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => new Error('expected a RegistryError'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe('newRunId', () => {
  it('starts with the UTC second and sorts chronologically', () => {
    expect(newRunId(new Date('2026-11-27T03:15:00.123Z'))).toMatch(
      /^20261127T031500Z-[0-9a-f]{4}$/,
    );
    const ids = [
      new Date('2026-01-02T00:00:00Z'),
      new Date('2025-12-31T23:59:59Z'),
      new Date('2026-01-01T00:00:00Z'),
    ].map((d) => newRunId(d));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
  });
});

describe('run records', () => {
  it('writes run.json as the run goes and latest.json at the end', async () => {
    const stateDir = await tempDir();
    const runId = newRunId();
    const store = await createRun({ stateDir, runId });
    expect(store.dir).toBe(join(stateDir, 'runs', runId));
    const running = {
      ...runOf(runId, [recipeRunOf('gitea', { outcome: null })]),
      finishedAt: null,
      exitCode: null,
    };
    running.summary = summarizeOutcomes(running.recipes);
    await store.writeRecord(running);
    expect(await readRun(stateDir, runId)).toEqual(running);
    expect(await readLatestRun(stateDir)).toBeNull();

    const logPath = store.logPath('gitea', 'test');
    expect(logPath).toBe(join(stateDir, 'runs', runId, 'gitea', 'test.log'));
    await writeFile(logPath, 'ok\n');

    const done = runOf(runId);
    await store.finish(done);
    expect(await readRun(stateDir, runId)).toEqual(done);
    expect(await readLatestRun(stateDir)).toEqual(done);
    expect(await readFile(join(stateDir, 'runs', 'latest.json'), 'utf8')).toBe(
      await readFile(join(store.dir, 'run.json'), 'utf8'),
    );
    expect(done.summary).toEqual({
      PROMOTED: 1,
      'GREEN-BUT-PROMOTE-FAILED': 0,
      FAILED: 0,
      'TIMED-OUT': 0,
      'SYNC-FAILED': 0,
      SKIPPED: 0,
      ERROR: 0,
    });
  });

  it('refuses a second store for the same run id, a mismatched record and bad names', async () => {
    const stateDir = await tempDir();
    const store = await createRun({ stateDir, runId: 'r1' });
    expect((await caught(createRun({ stateDir, runId: 'r1' }))).code).toBe('RUN_EXISTS');
    expect((await caught(store.writeRecord(runOf('r2')))).code).toBe('INVALID_RECORD');
    expect((await caught(createRun({ stateDir, runId: '../x' }))).code).toBe('INVALID_NAME');
    expect(() => store.logPath('gitea', '../../etc/passwd')).toThrow(RegistryError);
    const invalid = { ...runOf('r1'), summary: { PROMOTED: 1 } };
    const error = await caught(store.writeRecord(invalid as never));
    expect(error.code).toBe('INVALID_RECORD');
    expect(await readdir(store.dir)).toEqual([]);
  });

  it('lists runs oldest first and reads a missing one as RUN_NOT_FOUND', async () => {
    const stateDir = await tempDir();
    expect(await listRuns(stateDir)).toEqual([]);
    for (const id of ['20261127T030000Z-bbbb', '20261106T030000Z-aaaa', '20261113T030000Z-cccc']) {
      await (await createRun({ stateDir, runId: id })).finish(runOf(id));
    }
    expect(await listRuns(stateDir)).toEqual([
      '20261106T030000Z-aaaa',
      '20261113T030000Z-cccc',
      '20261127T030000Z-bbbb',
    ]);
    expect((await caught(readRun(stateDir, '20990101T000000Z-0000'))).code).toBe('RUN_NOT_FOUND');
  });

  it.each([
    ['garbage', '{"schema":1,', 'CORRUPT_RECORD'],
    ['a newer schema', JSON.stringify({ ...runOf('r1'), schema: 2 }), 'UNKNOWN_SCHEMA'],
    [
      'an unknown outcome',
      JSON.stringify(runOf('r1', [recipeRunOf('gitea', { outcome: 'GREEN' as never })])),
      'CORRUPT_RECORD',
    ],
  ])(
    'a run.json holding %s is a typed error and stays byte-identical',
    async (_what, bytes, code) => {
      const stateDir = await tempDir();
      const path = join(stateDir, 'runs', 'r1', 'run.json');
      await mkdir(join(stateDir, 'runs', 'r1'), { recursive: true });
      await writeFile(path, bytes);
      const error = await caught(readRun(stateDir, 'r1'));
      expect(error.code).toBe(code);
      expect(error.message).toContain(path);
      expect(await readFile(path, 'utf8')).toBe(bytes);
    },
  );

  it('writes latest-full.json only for a full sweep, and a partial run leaves it as it was', async () => {
    const stateDir = await tempDir();
    const fullId = newRunId(new Date(Date.UTC(2026, 0, 4)));
    const full = runOf(fullId);
    await (await createRun({ stateDir, runId: fullId })).finish(full, { full: true });
    const partialId = newRunId(new Date(Date.UTC(2026, 0, 5)));
    await (await createRun({ stateDir, runId: partialId })).finish(runOf(partialId), { full: false });
    expect((await readLatestRun(stateDir))?.runId).toBe(partialId);
    expect(await readLatestFullRun(stateDir)).toEqual(full);
    expect(await readLatestFullRun(await tempDir())).toBeNull();
  });

  it('never prunes the run latest-full.json names', async () => {
    const stateDir = await tempDir();
    const ids = Array.from({ length: 5 }, (_, i) => newRunId(new Date(Date.UTC(2026, 0, 1 + i * 7))));
    for (const id of ids) await (await createRun({ stateDir, runId: id })).writeRecord(runOf(id));
    await writeFile(join(stateDir, 'runs', 'latest-full.json'), JSON.stringify(runOf(ids[0] as string)));
    await writeFile(join(stateDir, 'runs', 'latest.json'), JSON.stringify(runOf(ids[4] as string)));
    expect(await pruneRuns(stateDir, 2)).toEqual(ids.slice(1, 3));
    expect(await listRuns(stateDir)).toEqual([ids[0], ids[3], ids[4]]);
  });

  it('prunes all but the newest runs, never the latest one', async () => {
    const stateDir = await tempDir();
    const ids = Array.from({ length: 60 }, (_, i) =>
      newRunId(new Date(Date.UTC(2026, 0, 1 + i * 7))),
    );
    for (const id of ids) await (await createRun({ stateDir, runId: id })).writeRecord(runOf(id));
    await writeFile(join(stateDir, 'runs', 'latest.json'), JSON.stringify(runOf(ids[2] as string)));
    const removed = await pruneRuns(stateDir);
    expect(removed).toEqual([...ids.slice(0, 2), ...ids.slice(3, 8)]);
    expect(await listRuns(stateDir)).toEqual([ids[2], ...ids.slice(8)]);
    expect(await pruneRuns(stateDir, 3)).toHaveLength(49);
    expect(await listRuns(stateDir)).toEqual([ids[2], ...ids.slice(57)]);
    expect((await caught(pruneRuns(stateDir, 0))).code).toBe('INVALID_OPTION');
  });

  it('closes every unfinished run but the current one as interrupted, leaving finished runs and latest.json alone', async () => {
    const stateDir = await tempDir();
    const unfinished = (id: string) => ({ ...runOf(id), finishedAt: null, exitCode: null });
    await (await createRun({ stateDir, runId: 'r1-done' })).finish(runOf('r1-done'));
    await (await createRun({ stateDir, runId: 'r2-dead' })).writeRecord(unfinished('r2-dead'));
    await (await createRun({ stateDir, runId: 'r3-now' })).writeRecord(unfinished('r3-now'));
    await createRun({ stateDir, runId: 'r4-empty' });
    const runsDir = join(stateDir, 'runs');
    const untouched = await Promise.all(['r1-done/run.json', 'r3-now/run.json', 'latest.json'].map((f) => readFile(join(runsDir, f), 'utf8')));
    const at = new Date('2026-11-28T03:00:05.000Z');

    const result = await closeUnfinishedRuns({ stateDir, currentRunId: 'r3-now', at });
    expect(result).toEqual({ closed: ['r2-dead'], unreadable: [] });
    expect(await readRun(stateDir, 'r2-dead')).toEqual({ ...unfinished('r2-dead'), interrupted: true, finishedAt: at.toISOString() });
    expect(await Promise.all(['r1-done/run.json', 'r3-now/run.json', 'latest.json'].map((f) => readFile(join(runsDir, f), 'utf8')))).toEqual(untouched);
    expect(await closeUnfinishedRuns({ stateDir, currentRunId: 'r3-now', at })).toEqual({ closed: [], unreadable: [] });
  });
});
