import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryError } from './errors.js';
import { canonicalOf, useTempDirs } from './testing/fixtures.js';
import { openRegistry } from './registry.js';

const tempDir = useTempDirs();

async function caught(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => new Error('expected a RegistryError, the call succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe('canonical records', () => {
  it('writes a record that reads back, as pretty JSON, with no temp files left', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    const record = canonicalOf('gitea', 3);
    expect(await registry.readCanonical('gitea')).toBeNull();
    await registry.writeCanonical(record);
    const path = join(registry.registryDir, 'gitea', 'canonical.json');
    expect(await readFile(path, 'utf8')).toBe(JSON.stringify(record, null, 2) + '\n');
    const { schema: _schema, ...fields } = record;
    expect(await registry.readCanonical('gitea')).toEqual({ ...fields, legacy: false });
    expect(await readdir(join(registry.registryDir, 'gitea'))).toEqual(['canonical.json']);
  });

  it('reads the pre-canon shape as-is and leaves its bytes alone', async () => {
    const registryDir = join(await tempDir(), 'ci-warm');
    await mkdir(join(registryDir, 'custom-html'), { recursive: true });
    const path = join(registryDir, 'custom-html', 'canonical.json');
    const legacy =
      '{"recipe":"custom-html","version":"1.9.0+1.27.2","commit":"' +
      'b'.repeat(40) +
      '","status":"ok","ts":"20260617T050314Z"}\n';
    await writeFile(path, legacy);
    const registry = openRegistry({ stateDir: await tempDir(), registryDir });
    expect(await registry.readCanonical('custom-html')).toEqual({
      recipe: 'custom-html',
      version: '1.9.0+1.27.2',
      tag: '1.9.0+1.27.2',
      commit: 'b'.repeat(40),
      status: 'ok',
      ts: '2026-06-17T05:03:14Z',
      domain: null,
      runId: null,
      previous: null,
      legacy: true,
    });
    expect(await readFile(path, 'utf8')).toBe(legacy);
    await registry.writeCanonical(canonicalOf('custom-html', 10));
    expect((await registry.readCanonical('custom-html'))?.legacy).toBe(false);
  });

  it('keeps the domain of a legacy record', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    await mkdir(join(registry.registryDir, 'gitea'), { recursive: true });
    await writeFile(
      join(registry.registryDir, 'gitea', 'canonical.json'),
      JSON.stringify({
        recipe: 'gitea',
        version: '3.6.0+1.24.2-rootless',
        commit: 'c'.repeat(40),
        status: 'canonical',
        ts: '20260101T000000Z',
        domain: 'warm-gitea.ci.example.org',
      }),
    );
    expect(await registry.readCanonical('gitea')).toMatchObject({
      domain: 'warm-gitea.ci.example.org',
      legacy: true,
    });
  });

  const good = JSON.stringify(canonicalOf('gitea', 1), null, 2);
  it.each([
    ['garbage', 'not json at all', 'CORRUPT_RECORD'],
    ['truncated', good.slice(0, good.length / 2), 'CORRUPT_RECORD'],
    ['empty', '', 'CORRUPT_RECORD'],
    ['a newer schema', JSON.stringify({ ...canonicalOf('gitea', 1), schema: 2 }), 'UNKNOWN_SCHEMA'],
    [
      'a bad commit',
      JSON.stringify({ ...canonicalOf('gitea', 1), commit: 'HEAD' }),
      'CORRUPT_RECORD',
    ],
    ['another recipe', JSON.stringify(canonicalOf('keycloak', 1)), 'CORRUPT_RECORD'],
    ['a JSON array', '[1,2]', 'CORRUPT_RECORD'],
  ])(
    'a record holding %s is a typed error naming the file, and stays byte-identical',
    async (_what, bytes, code) => {
      const registry = openRegistry({ stateDir: await tempDir() });
      const path = join(registry.registryDir, 'gitea', 'canonical.json');
      await mkdir(join(registry.registryDir, 'gitea'), { recursive: true });
      await writeFile(path, bytes);
      const readError = await caught(registry.readCanonical('gitea'));
      expect(readError.code).toBe(code);
      expect(readError.data.path).toBe(path);
      expect(readError.message).toContain(path);
      const writeError = await caught(registry.writeCanonical(canonicalOf('gitea', 2)));
      expect(writeError.code).toBe(code);
      expect(await readFile(path, 'utf8')).toBe(bytes);
    },
  );

  it('refuses an invalid record listing every problem, writing nothing', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    const bad = { ...canonicalOf('gitea', 1), commit: 'nope', ts: 'yesterday', status: 'green' };
    const error = await caught(registry.writeCanonical(bad as never));
    expect(error.code).toBe('INVALID_RECORD');
    expect(error.data.issues?.map((i) => i.path).sort()).toEqual(['$.commit', '$.status', '$.ts']);
    expect(await registry.readCanonical('gitea')).toBeNull();
  });

  it.each(['../etc', 'Gitea', '', '.hidden', 'a/b'])(
    'rejects the recipe name %j before touching a path',
    async (name) => {
      const registry = openRegistry({ stateDir: await tempDir() });
      expect((await caught(registry.readCanonical(name))).code).toBe('INVALID_NAME');
    },
  );

  it('a registry directory that is a file is NOT_A_DIRECTORY for reads and writes', async () => {
    const stateDir = await tempDir();
    await writeFile(join(stateDir, 'registry'), 'I am a file\n');
    const registry = openRegistry({ stateDir });
    expect((await caught(registry.readCanonical('gitea'))).code).toBe('NOT_A_DIRECTORY');
    expect((await caught(registry.writeCanonical(canonicalOf('gitea', 1)))).code).toBe(
      'NOT_A_DIRECTORY',
    );
    expect((await caught(registry.readHistory('gitea'))).code).toBe('NOT_A_DIRECTORY');
    await writeFile(join(stateDir, 'recipes'), 'I am a file too\n');
    expect(
      (
        await caught(
          registry.appendHistory('gitea', {
            type: 'promoted',
            ts: '2026-11-27T03:00:00Z',
            runId: 'r',
            version: '1',
            commit: 'c',
          }),
        )
      ).code,
    ).toBe('NOT_A_DIRECTORY');
    expect((await caught(registry.diskUsage(1))).code).toBe('NOT_A_DIRECTORY');
    expect(await readFile(join(stateDir, 'registry'), 'utf8')).toBe('I am a file\n');
    expect(await readFile(join(stateDir, 'recipes'), 'utf8')).toBe('I am a file too\n');
  });
});

describe('history', () => {
  const event = (n: number) => ({
    type: 'promoted',
    ts: '2026-11-27T03:00:00.000Z',
    runId: `run-${n}`,
    version: `1.${n}.0`,
    commit: 'a'.repeat(40),
  });

  it('appends one JSON line per event and reads them back in order', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    expect(await registry.readHistory('gitea')).toEqual([]);
    await registry.appendHistory('gitea', event(1));
    await registry.appendHistory('gitea', {
      ...event(2),
      type: 'advance-failed',
      detail: 'health timed out',
    });
    const text = await readFile(
      join(registry.stateDir, 'recipes', 'gitea', 'history.jsonl'),
      'utf8',
    );
    expect(text.split('\n')).toHaveLength(3);
    expect(await registry.readHistory('gitea')).toEqual([
      event(1),
      { ...event(2), type: 'advance-failed', detail: 'health timed out' },
    ]);
  });

  it('ignores a fragment a crash cut short and starts the next event on its own line', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    await registry.appendHistory('gitea', event(1));
    const path = join(registry.stateDir, 'recipes', 'gitea', 'history.jsonl');
    await writeFile(path, (await readFile(path, 'utf8')) + '{"type":"promo', { flag: 'w' });
    expect(await registry.readHistory('gitea')).toEqual([event(1)]);
    await registry.appendHistory('gitea', event(2));
    expect(
      (await readFile(path, 'utf8')).endsWith('{"type":"promo\n' + JSON.stringify(event(2)) + '\n'),
    ).toBe(true);
    const error = await caught(registry.readHistory('gitea'));
    expect(error.code).toBe('CORRUPT_RECORD');
    expect(error.data.issues?.[0]?.path).toBe('line 2');
  });

  it('keeps every event of concurrent appends, one a line', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => registry.appendHistory('gitea', event(i))),
    );
    const events = await registry.readHistory('gitea');
    expect(events.map((e) => e.runId).sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `run-${i}`).sort(),
    );
  });

  it('refuses an event without a timestamp', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    const error = await caught(
      registry.appendHistory('gitea', { ...event(1), ts: undefined } as never),
    );
    expect(error.code).toBe('INVALID_RECORD');
    expect(await registry.readHistory('gitea')).toEqual([]);
  });
});

describe('attempts and disk usage', () => {
  it('keeps the last attempt', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    expect(await registry.readAttempt('gitea')).toBeNull();
    const attempt = {
      schema: 1 as const,
      recipe: 'gitea',
      runId: 'r1',
      ts: '2026-11-27T03:00:00.000Z',
      version: '1.2.0',
      tag: '1.2.0',
      commit: 'a'.repeat(40),
      outcome: 'FAILED' as const,
      detail: 'suite red (exit 1)',
    };
    await registry.writeAttempt('gitea', attempt);
    await registry.writeAttempt('gitea', { ...attempt, runId: 'r2', outcome: 'PROMOTED' });
    expect(await registry.readAttempt('gitea')).toEqual({
      ...attempt,
      runId: 'r2',
      outcome: 'PROMOTED',
    });
    expect((await caught(registry.writeAttempt('keycloak', attempt))).code).toBe('INVALID_RECORD');
    expect(
      (await caught(registry.writeAttempt('gitea', { ...attempt, outcome: 'GREEN' } as never)))
        .code,
    ).toBe('INVALID_RECORD');
  });

  it('sums the recorded warm volume sizes against the budget', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    expect(await registry.diskUsage(null)).toEqual({ usedBytes: 0, budgetBytes: null });
    await registry.recordVolumeBytes('gitea', 5_000_000_000);
    await registry.recordVolumeBytes('custom-html', 1_000);
    await registry.recordVolumeBytes('gitea', 6_000_000_000);
    await registry.writeCanonical(canonicalOf('keycloak', 1));
    expect(await registry.diskUsage(200)).toEqual({
      usedBytes: 6_000_001_000,
      budgetBytes: 200 * 1024 ** 3,
    });
    expect(await registry.diskUsage(0.5)).toEqual({
      usedBytes: 6_000_001_000,
      budgetBytes: 536_870_912,
    });
    expect((await caught(registry.recordVolumeBytes('gitea', -1))).code).toBe('INVALID_RECORD');
  });
});
