import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles worker.ts (and the package's sources it imports) into one CommonJS file that plain
 * `node` runs: Node 20 cannot run TypeScript, and the tests must not depend on a prior build.
 */
export async function bundleWorker(): Promise<{ path: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'canon-worker-'));
  const path = join(dir, 'worker.cjs');
  await build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    conditions: ['canon-source'],
    outfile: path,
    minify: true,
    logLevel: 'silent',
  });
  return { path, dispose: () => rm(dir, { recursive: true, force: true }) };
}
