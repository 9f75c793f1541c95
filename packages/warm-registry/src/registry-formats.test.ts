import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
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

function caughtSync(body: () => unknown): RegistryError {
  try {
    body();
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
    return error as RegistryError;
  }
  throw new Error('expected a RegistryError, the call succeeded');
}

/** A /var/lib/ci-warm-shaped directory as cc-ci left it: no canon fields, one record without domain. */
async function ciWarmDir(): Promise<string> {
  const dir = join(await tempDir(), 'ci-warm');
  await mkdir(join(dir, 'custom-html', 'snapshot'), { recursive: true });
  await mkdir(join(dir, 'gitea'), { recursive: true });
  await writeFile(
    join(dir, 'custom-html', 'canonical.json'),
    JSON.stringify({
      recipe: 'custom-html',
      domain: 'warm-custom-html.ci.commoninternet.net',
      version: '1.13.0+1.31.1',
      commit: 'df2e27339f983a25da548fc8b8d56e9af8645f83',
      status: 'idle',
      ts: '20260617T050314Z',
    }),
  );
  await writeFile(join(dir, 'custom-html', 'last_good'), '1.13.0+1.31.1\n');
  await writeFile(
    join(dir, 'gitea', 'canonical.json'),
    JSON.stringify({
      recipe: 'gitea',
      version: '3.6.0+1.24.2-rootless',
      commit: 'c'.repeat(40),
      status: 'idle',
      ts: '20260101T000000Z',
    }),
  );
  return dir;
}

describe('registryFormat "ci-warm"', () => {
  it("writes cc-ci's keys and formats with canon's fields under `canon`, then last_good", async () => {
    const registryDir = await ciWarmDir();
    const registry = openRegistry({
      stateDir: await tempDir(),
      registryDir,
      registryFormat: 'ci-warm',
    });
    const record = { ...canonicalOf('custom-html', 14), ts: '2026-11-01T03:00:14.734Z' };
    await registry.writeCanonical(record);
    const dir = join(registryDir, 'custom-html');
    expect(await readFile(join(dir, 'canonical.json'), 'utf8')).toBe(
      JSON.stringify(
        {
          recipe: 'custom-html',
          domain: record.domain,
          version: record.version,
          commit: record.commit,
          status: 'idle',
          ts: '20261101T030014Z',
          canon: { schema: 1, tag: record.tag, runId: record.runId, previous: record.previous },
        },
        null,
        2,
      ) + '\n',
    );
    expect(await readFile(join(dir, 'last_good'), 'utf8')).toBe(`${record.version}\n`);
    expect((await readdir(dir)).sort()).toEqual(['canonical.json', 'last_good', 'snapshot']);
    const { schema: _schema, ...fields } = record;
    expect(await registry.readCanonical('custom-html')).toEqual({
      ...fields,
      status: 'idle',
      ts: '2026-11-01T03:00:14Z',
      legacy: false,
    });
  });

  it('leaves domain out when the record has none, like the older records', async () => {
    const registry = openRegistry({ stateDir: await tempDir(), registryFormat: 'ci-warm' });
    await registry.writeCanonical({ ...canonicalOf('gitea', 2), domain: null });
    const written = JSON.parse(
      await readFile(join(registry.registryDir, 'gitea', 'canonical.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(Object.keys(written)).toEqual(['recipe', 'version', 'commit', 'status', 'ts', 'canon']);
    expect((await registry.readCanonical('gitea'))?.domain).toBeNull();
  });

  it.each(['canon', 'ci-warm'] as const)(
    'a registry in %s format reads every shape: canon, ci-warm with canon fields, cc-ci legacy',
    async (registryFormat) => {
      const registryDir = await ciWarmDir();
      const writer = openRegistry({
        stateDir: await tempDir(),
        registryDir,
        registryFormat: 'ci-warm',
      });
      await writer.writeCanonical(canonicalOf('alpha', 3));
      await openRegistry({ stateDir: await tempDir(), registryDir }).writeCanonical(
        canonicalOf('beta', 4),
      );
      const registry = openRegistry({ stateDir: await tempDir(), registryDir, registryFormat });
      expect(await registry.readCanonical('custom-html')).toMatchObject({
        version: '1.13.0+1.31.1',
        tag: '1.13.0+1.31.1',
        status: 'idle',
        ts: '2026-06-17T05:03:14Z',
        domain: 'warm-custom-html.ci.commoninternet.net',
        legacy: true,
      });
      expect(await registry.readCanonical('gitea')).toMatchObject({ domain: null, legacy: true });
      expect(await registry.readCanonical('alpha')).toMatchObject({
        version: canonicalOf('alpha', 3).version,
        runId: canonicalOf('alpha', 3).runId,
        status: 'idle',
        legacy: false,
      });
      expect(await registry.readCanonical('beta')).toMatchObject({
        status: 'canonical',
        legacy: false,
      });
    },
  );

  it.each([
    [
      'a newer canon schema',
      { canon: { schema: 2, tag: 'x', runId: 'r', previous: null } },
      'UNKNOWN_SCHEMA',
    ],
    ['an ISO ts', { ts: '2026-06-17T05:03:14Z' }, 'CORRUPT_RECORD'],
    ['a status other than idle', { status: 'canonical' }, 'CORRUPT_RECORD'],
  ])(
    'a ci-warm record with %s is a typed error and stays byte-identical',
    async (_what, change, code) => {
      const registry = openRegistry({ stateDir: await tempDir(), registryFormat: 'ci-warm' });
      await registry.writeCanonical(canonicalOf('gitea', 1));
      const path = join(registry.registryDir, 'gitea', 'canonical.json');
      const bytes = JSON.stringify({
        ...(JSON.parse(await readFile(path, 'utf8')) as object),
        ...change,
      });
      await writeFile(path, bytes);
      expect((await caught(registry.readCanonical('gitea'))).code).toBe(code);
      expect((await caught(registry.writeCanonical(canonicalOf('gitea', 2)))).code).toBe(code);
      expect(await readFile(path, 'utf8')).toBe(bytes);
    },
  );
});

describe('last_good', () => {
  it('repairLastGood rewrites a missing or stale last_good and says so; a matching one is left alone', async () => {
    const registry = openRegistry({ stateDir: await tempDir(), registryFormat: 'ci-warm' });
    const record = canonicalOf('gitea', 5);
    await registry.writeCanonical(record);
    const path = join(registry.registryDir, 'gitea', 'last_good');
    expect(await registry.repairLastGood('gitea')).toEqual({
      status: 'ok',
      recipe: 'gitea',
      version: record.version,
    });
    await writeFile(path, '1.4.0+2.0.4\n');
    const repaired = await registry.repairLastGood('gitea');
    expect(repaired).toMatchObject({
      status: 'repaired',
      version: record.version,
      found: '1.4.0+2.0.4\n',
    });
    expect(repaired.status === 'repaired' && repaired.detail).toContain(path);
    expect(await readFile(path, 'utf8')).toBe(`${record.version}\n`);
    await rm(path);
    expect(await registry.repairLastGood('gitea')).toMatchObject({
      status: 'repaired',
      found: null,
    });
    expect(await registry.readLastGood('gitea')).toBe(`${record.version}\n`);
  });

  it('canon format writes no last_good; a recipe without canonical gets nothing created', async () => {
    const registry = openRegistry({ stateDir: await tempDir() });
    await registry.writeCanonical(canonicalOf('gitea', 1));
    expect(await readdir(join(registry.registryDir, 'gitea'))).toEqual(['canonical.json']);
    expect(await registry.repairLastGood('keycloak')).toEqual({
      status: 'no-canonical',
      recipe: 'keycloak',
      found: null,
    });
    expect(existsSync(join(registry.registryDir, 'keycloak'))).toBe(false);
  });
});

describe('layout', () => {
  it("keeps canon's own files under stateDir/recipes/ and only canonical records in the registry", async () => {
    const registryDir = await ciWarmDir();
    const stateDir = await tempDir();
    const registry = openRegistry({ stateDir, registryDir, registryFormat: 'ci-warm' });
    const before = (await readdir(registryDir)).sort();
    for (const recipe of ['alpha', 'custom-html', 'gitea']) {
      expect(await registry.readHistory(recipe)).toEqual([]);
      expect(await registry.readAttempt(recipe)).toBeNull();
      expect(await registry.readLastGood(recipe)).toBe(
        recipe === 'custom-html' ? '1.13.0+1.31.1\n' : null,
      );
    }
    expect(await registry.readCanonical('alpha')).toBeNull();
    await registry.diskUsage(1);
    await registry.appendHistory('alpha', {
      type: 'seed-failed',
      ts: '2026-11-27T03:00:00Z',
      runId: 'r',
      version: '1',
      commit: 'c',
    });
    await registry.writeAttempt('alpha', attemptOf('alpha'));
    await registry.recordVolumeBytes('alpha', 10);
    expect((await readdir(registryDir)).sort()).toEqual(before);
    expect((await readdir(join(stateDir, 'recipes', 'alpha'))).sort()).toEqual([
      'attempt.json',
      'history.jsonl',
      'volume.json',
    ]);
    await registry.writeCanonical(canonicalOf('alpha', 1));
    expect(await readdir(join(registryDir, 'alpha'))).toEqual(['canonical.json', 'last_good']);
  });

  it('still reads history, attempt and volume size an earlier canon wrote beside canonical.json', async () => {
    const stateDir = await tempDir();
    const old = join(stateDir, 'registry', 'gitea');
    await mkdir(old, { recursive: true });
    const oldEvent = {
      type: 'promoted',
      ts: '2026-10-01T03:00:00.000Z',
      runId: 'old',
      version: '1.0.0',
      commit: 'a'.repeat(40),
    };
    await writeFile(join(old, 'history.jsonl'), JSON.stringify(oldEvent) + '\n');
    await writeFile(join(old, 'attempt.json'), JSON.stringify(attemptOf('gitea', 'old-run')));
    await writeFile(
      join(old, 'volume.json'),
      JSON.stringify({ schema: 1, recipe: 'gitea', bytes: 700, ts: '2026-10-01T03:00:00Z' }),
    );
    const registry = openRegistry({ stateDir });
    expect(await registry.readAttempt('gitea')).toMatchObject({ runId: 'old-run' });
    expect(await registry.diskUsage(null)).toEqual({ usedBytes: 700, budgetBytes: null });
    const newEvent = { ...oldEvent, runId: 'new' };
    await registry.appendHistory('gitea', newEvent);
    await registry.writeAttempt('gitea', attemptOf('gitea', 'new-run'));
    await registry.recordVolumeBytes('gitea', 900);
    expect(await registry.readHistory('gitea')).toEqual([oldEvent, newEvent]);
    expect(await registry.readAttempt('gitea')).toMatchObject({ runId: 'new-run' });
    expect(await registry.diskUsage(null)).toEqual({ usedBytes: 900, budgetBytes: null });
    expect(await readFile(join(old, 'history.jsonl'), 'utf8')).toBe(
      JSON.stringify(oldEvent) + '\n',
    );
  });

  it('creates stateDir and the default registry/ on first write, and nothing on reads', async () => {
    const stateDir = join(await tempDir(), 'state', 'canon');
    const registry = openRegistry({ stateDir });
    expect(await registry.readCanonical('gitea')).toBeNull();
    expect(await registry.readHistory('gitea')).toEqual([]);
    expect(existsSync(stateDir)).toBe(false);
    await registry.writeCanonical(canonicalOf('gitea', 1));
    expect(await readdir(join(stateDir, 'registry'))).toEqual(['gitea']);
  });
});

describe('an explicitly configured registryDir', () => {
  it('that is missing is REGISTRY_DIR_MISSING at open, naming it, and is never created', async () => {
    const registryDir = join(await tempDir(), 'ci-wram');
    const stateDir = await tempDir();
    const error = caughtSync(() => openRegistry({ stateDir, registryDir }));
    expect(error.code).toBe('REGISTRY_DIR_MISSING');
    expect(error.data.path).toBe(registryDir);
    expect(error.message).toContain(registryDir);
    expect(existsSync(registryDir)).toBe(false);
  });

  it('that vanishes after open fails reads and writes instead of looking unseeded', async () => {
    const registryDir = await ciWarmDir();
    const registry = openRegistry({
      stateDir: await tempDir(),
      registryDir,
      registryFormat: 'ci-warm',
    });
    await rm(registryDir, { recursive: true });
    expect((await caught(registry.readCanonical('gitea'))).code).toBe('REGISTRY_DIR_MISSING');
    expect((await caught(registry.writeCanonical(canonicalOf('gitea', 1)))).code).toBe(
      'REGISTRY_DIR_MISSING',
    );
    expect(existsSync(registryDir)).toBe(false);
  });

  it('that is a file is NOT_A_DIRECTORY', async () => {
    const registryDir = join(await tempDir(), 'ci-warm');
    await writeFile(registryDir, 'not a dir\n');
    expect(
      caughtSync(() => openRegistry({ stateDir: registryDir + '-state', registryDir })).code,
    ).toBe('NOT_A_DIRECTORY');
  });
});

function attemptOf(recipe: string, runId = 'r1') {
  return {
    schema: 1 as const,
    recipe,
    runId,
    ts: '2026-11-27T03:00:00.000Z',
    version: '1.2.0',
    tag: '1.2.0',
    commit: 'a'.repeat(40),
    outcome: 'FAILED' as const,
    detail: 'suite red (exit 1)',
  };
}
