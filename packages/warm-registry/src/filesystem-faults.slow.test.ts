import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { open, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryError } from './errors.js';
import { canonicalOf, runOf, useTempDirs } from './testing/fixtures.js';
import { acquireAppLock, acquireSweepLock } from './locks.js';
import { openRegistry } from './registry.js';
import { createRun } from './runs.js';

const tempDir = useTempDirs();

/** Why this machine cannot mount file systems for the tests, or null when it can. */
function mountUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'mount needs root';
  const probe = mkdtempSync(join(tmpdir(), 'canon-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `mount -t tmpfs failed here (${String((error as { stderr?: unknown }).stderr ?? error).trim()})`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const cannotMount = mountUnavailable();
const skipNote = cannotMount ? ` [skipped: ${cannotMount}]` : '';

async function withMount<T>(args: string[], target: string, body: () => Promise<T>): Promise<T> {
  mkdirSync(target, { recursive: true });
  execFileSync('mount', [...args, target], { stdio: 'pipe' });
  try {
    return await body();
  } finally {
    execFileSync('umount', [target], { stdio: 'pipe' });
  }
}

/** Binds `dir` onto itself read-only: root ignores file modes, a read-only mount it cannot. */
async function readOnly<T>(dir: string, body: () => Promise<T>): Promise<T> {
  execFileSync('mount', ['--bind', dir, dir], { stdio: 'pipe' });
  try {
    execFileSync('mount', ['-o', 'remount,bind,ro', dir], { stdio: 'pipe' });
    return await body();
  } finally {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  }
}

async function code(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => new Error('expected a RegistryError, the call succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return (error as RegistryError).code;
}

describe('a read-only state directory', () => {
  it.skipIf(cannotMount !== null)(
    `is READ_ONLY for every write and lock, reads still work, nothing changes${skipNote}`,
    async () => {
      const stateDir = await tempDir();
      const registry = openRegistry({ stateDir });
      await registry.writeCanonical(canonicalOf('gitea', 1));
      const before = await readFile(join(registry.registryDir, 'gitea', 'canonical.json'), 'utf8');
      await (await acquireSweepLock({ stateDir, runId: 'run-0', staleSeconds: 120 })).release();
      await readOnly(stateDir, async () => {
        expect(await code(registry.writeCanonical(canonicalOf('gitea', 2)))).toBe('READ_ONLY');
        expect(
          await code(
            registry.appendHistory('gitea', {
              type: 'promoted',
              ts: '2026-11-27T03:00:00Z',
              runId: 'r',
              version: '1',
              commit: 'c',
            }),
          ),
        ).toBe('READ_ONLY');
        expect(await code(registry.recordVolumeBytes('gitea', 1))).toBe('READ_ONLY');
        expect(await code(acquireSweepLock({ stateDir, runId: 'run-1', staleSeconds: 120 }))).toBe(
          'READ_ONLY',
        );
        expect(
          await code(
            acquireAppLock({
              stateDir,
              domain: 'warm-gitea.ci.example.org',
              runId: 'run-1',
              staleSeconds: 120,
            }),
          ),
        ).toBe('READ_ONLY');
        expect(await code(createRun({ stateDir, runId: 'run-1' }))).toBe('READ_ONLY');
        expect((await registry.readCanonical('gitea'))?.version).toBe(
          canonicalOf('gitea', 1).version,
        );
      });
      expect(await readFile(join(registry.registryDir, 'gitea', 'canonical.json'), 'utf8')).toBe(
        before,
      );
    },
  );

  it.skipIf(cannotMount !== null)(
    `that was never written to is READ_ONLY for the lock, not a crash${skipNote}`,
    async () => {
      const stateDir = await tempDir();
      await withMount(
        ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs'],
        join(stateDir, 'ro'),
        async () => {
          const error = await acquireSweepLock({
            stateDir: join(stateDir, 'ro'),
            runId: 'run-1',
            staleSeconds: 120,
          }).catch((e: unknown) => e);
          expect(error).toMatchObject({
            code: 'READ_ONLY',
            data: { path: join(stateDir, 'ro', 'sweep.lock'), errno: 'EROFS' },
          });
          expect((error as Error).message).toMatch(/read-only/);
        },
      );
    },
  );
});

describe('a full disk', () => {
  it.skipIf(cannotMount !== null)(
    `is NO_SPACE, and the old record, history and run stay intact${skipNote}`,
    async () => {
      const stateDir = join(await tempDir(), 'state');
      await withMount(['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs'], stateDir, async () => {
        const registry = openRegistry({ stateDir });
        const event = {
          type: 'promoted',
          ts: '2026-11-27T03:00:00.000Z',
          runId: 'r1',
          version: '1.1.0',
          commit: 'a'.repeat(40),
        };
        await registry.writeCanonical(canonicalOf('gitea', 1));
        await registry.appendHistory('gitea', event);
        const run = await createRun({ stateDir, runId: 'run-1' });
        await run.writeRecord(runOf('run-1'));
        const before = await readFile(
          join(registry.registryDir, 'gitea', 'canonical.json'),
          'utf8',
        );
        await fill(join(stateDir, 'filler'));

        expect(await code(registry.writeCanonical(canonicalOf('gitea', 2)))).toBe('NO_SPACE');
        expect(await code(run.writeRecord({ ...runOf('run-1'), exitCode: 1 }))).toBe('NO_SPACE');
        // Larger than the room left in history.jsonl's last page: a short write, then ENOSPC.
        const historyBefore = await readFile(join(stateDir, 'recipes', 'gitea', 'history.jsonl'));
        expect(
          await code(
            registry.appendHistory('gitea', { ...event, runId: 'r2', detail: 'x'.repeat(8000) }),
          ),
        ).toBe('NO_SPACE');
        expect(await readFile(join(stateDir, 'recipes', 'gitea', 'history.jsonl'))).toEqual(
          historyBefore,
        );

        expect(await readFile(join(registry.registryDir, 'gitea', 'canonical.json'), 'utf8')).toBe(
          before,
        );
        expect(await registry.readHistory('gitea')).toEqual([event]);
        expect(await readdir(join(registry.registryDir, 'gitea'))).toEqual(['canonical.json']);
        expect(await readdir(join(stateDir, 'recipes', 'gitea'))).toEqual(['history.jsonl']);
        expect(await readdir(run.dir)).toEqual(['run.json']);
        expect(JSON.parse(await readFile(join(run.dir, 'run.json'), 'utf8'))).toEqual(
          runOf('run-1'),
        );
      });
    },
  );
});

async function fill(path: string): Promise<void> {
  const handle = await open(path, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) await handle.write(chunk);
  } catch (error) {
    expect((error as { code?: string }).code).toBe('ENOSPC');
  } finally {
    await handle.close();
  }
  await writeFile(join(path + '-1'), Buffer.alloc(1)).catch(() => undefined);
}
