import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gitStep } from './git-step.js';

/**
 * The per-recipe bare repository that keeps upstream's objects between syncs, so each
 * fetch only transfers what is new.
 */
export async function ensureCacheRepo(workDir: string, recipe: string): Promise<string> {
  const path = join(workDir, 'mirror-sync', `${recipe}.git`);
  try {
    await access(join(path, 'HEAD'));
    return path;
  } catch {
    await mkdir(path, { recursive: true });
  }
  await gitStep(
    {
      stage: 'fetch',
      recipe,
      remote: null,
      timeoutMs: 30_000,
      failCode: 'FETCH_FAILED',
      doing: `creating the cache repository ${path}`,
    },
    ['init', '--quiet', '--bare', path],
  );
  return path;
}
