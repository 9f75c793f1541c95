import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { canonicalOf, useTempDirs } from './testing/fixtures.js';
import { startWorker } from './testing/processes.js';
import { bundleWorker } from './testing/worker-bundle.js';
import { openRegistry } from './registry.js';

const tempDir = useTempDirs();
let worker: Awaited<ReturnType<typeof bundleWorker>>;
beforeAll(async () => {
  worker = await bundleWorker();
});
afterAll(() => worker.dispose());

const KILLS = 200;
const LANES = 2;

it(`canonical.json is always the old or the new record across ${KILLS} SIGKILLs mid-write`, async () => {
  const stateDir = await tempDir();
  const registry = openRegistry({ stateDir });
  const seen: number[] = [];
  let cutMidWrite = 0;

  async function lane(recipe: string): Promise<void> {
    const path = join(registry.registryDir, recipe, 'canonical.json');
    let last = 0;
    for (let round = 0; round < KILLS / LANES; round++) {
      const writer = startWorker(worker.path, ['write-loop', stateDir, recipe]);
      const ready = await writer.next();
      expect(ready).toMatchObject({ ready: true, n: last + 1 });
      // The writer is now inside its loop; the kill lands at a random point of a write.
      await sleep(Math.random() * 15);
      writer.child.kill('SIGKILL');
      expect((await writer.exited).signal).toBe('SIGKILL');

      const entries = await readdir(join(registry.registryDir, recipe));
      if (entries.some((e) => e.startsWith('.canonical.json.tmp-'))) cutMidWrite += 1;
      const bytes = await readFile(path, 'utf8');
      const n = Number((JSON.parse(bytes) as { version: string }).version.split('.')[1]);
      expect(bytes).toBe(JSON.stringify(canonicalOf(recipe, n), null, 2) + '\n');
      expect(n).toBeGreaterThan(last);
      expect((await registry.readCanonical(recipe))?.commit).toBe(canonicalOf(recipe, n).commit);
      seen.push(n - last);
      last = n;
    }
    // Temp files of killed writers are swept by the next successful write.
    await registry.writeCanonical(canonicalOf(recipe, last + 1));
    expect(await readdir(join(registry.registryDir, recipe))).toEqual(['canonical.json']);
  }

  await Promise.all(Array.from({ length: LANES }, (_, i) => lane(`recipe-${i}`)));
  expect(seen).toHaveLength(KILLS);
  // A temp file left behind proves the kill cut a write between open and rename.
  expect(cutMidWrite).toBeGreaterThan(KILLS / 20);
}, 180_000);
