import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryError } from './errors.js';
import { canonicalOf, useTempDirs } from './testing/fixtures.js';
import { openRegistry } from './registry.js';

// Issue 16 item 3: canon never writes through a symlink someone planted under stateDir or the registry.
const tempDir = useTempDirs();

async function caught(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => new Error('expected a RegistryError, the call succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe('planted symlinks', () => {
  it.each([
    [
      'history.jsonl',
      'recipes',
      (r: ReturnType<typeof openRegistry>) =>
        r.appendHistory('gitea', {
          type: 'promoted',
          ts: '2026-11-27T03:00:00Z',
          runId: 'r',
          version: '1',
          commit: 'c',
        }),
    ],
    [
      'attempt.json',
      'recipes',
      (r: ReturnType<typeof openRegistry>) => r.writeAttempt('gitea', attemptOf('gitea')),
    ],
    [
      'volume.json',
      'recipes',
      (r: ReturnType<typeof openRegistry>) => r.recordVolumeBytes('gitea', 1),
    ],
    [
      'canonical.json',
      'registry',
      (r: ReturnType<typeof openRegistry>) => r.writeCanonical(canonicalOf('gitea', 1)),
    ],
    ['last_good', 'registry', (r: ReturnType<typeof openRegistry>) => r.repairLastGood('gitea')],
  ] as const)(
    '%s planted as a symlink is SYMLINK_REFUSED; its target keeps its bytes',
    async (name, area, write) => {
      const stateDir = await tempDir();
      const registry = openRegistry({ stateDir, registryFormat: 'ci-warm' });
      if (name === 'last_good') {
        await registry.writeCanonical(canonicalOf('gitea', 1));
        await rm(join(registry.registryDir, 'gitea', 'last_good'));
      }
      const victim = join(await tempDir(), 'victim');
      await writeFile(victim, 'precious\n');
      const dir = join(stateDir, area, 'gitea');
      await mkdir(dir, { recursive: true });
      await symlink(victim, join(dir, name));
      const error = await caught(write(registry));
      expect(error.code).toBe('SYMLINK_REFUSED');
      expect(error.data.path).toBe(join(dir, name));
      expect(await readFile(victim, 'utf8')).toBe('precious\n');
    },
  );

  it('a per-recipe directory planted as a symlink is SYMLINK_REFUSED; nothing lands in its target', async () => {
    const stateDir = await tempDir();
    const elsewhere = await tempDir();
    await mkdir(join(stateDir, 'recipes'), { recursive: true });
    await mkdir(join(stateDir, 'registry'), { recursive: true });
    await symlink(elsewhere, join(stateDir, 'recipes', 'gitea'));
    await symlink(elsewhere, join(stateDir, 'registry', 'gitea'));
    const registry = openRegistry({ stateDir });
    expect((await caught(registry.writeAttempt('gitea', attemptOf('gitea')))).code).toBe(
      'SYMLINK_REFUSED',
    );
    expect((await caught(registry.writeCanonical(canonicalOf('gitea', 1)))).code).toBe(
      'SYMLINK_REFUSED',
    );
    expect(await readdir(elsewhere)).toEqual([]);
  });
});

it('stateDir/recipes planted as a symlink is SYMLINK_REFUSED; nothing lands in its target', async () => {
  const stateDir = await tempDir();
  const elsewhere = await tempDir();
  await symlink(elsewhere, join(stateDir, 'recipes'));
  const registry = openRegistry({ stateDir });
  const error = await caught(registry.writeAttempt('gitea', attemptOf('gitea')));
  expect(error.code).toBe('SYMLINK_REFUSED');
  expect(error.data.path).toBe(join(stateDir, 'recipes'));
  expect(await readdir(elsewhere)).toEqual([]);
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
