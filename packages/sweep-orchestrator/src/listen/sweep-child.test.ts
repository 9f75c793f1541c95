import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sweepLauncher } from './sweep-child.js';

const NAMES = ['NODE_OPTIONS', 'MALLOC_MMAP_THRESHOLD_', 'CANON_FORGE_TOKEN'] as const;
const saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
let dir = '';
afterEach(async () => {
  for (const n of NAMES) {
    if (saved[n] === undefined) Reflect.deleteProperty(process.env, n);
    else process.env[n] = saved[n];
  }
  await rm(dir, { recursive: true, force: true });
});

/** The environment a launched sweep sees, written by a stand-in CLI script. */
async function childEnv(env: Record<(typeof NAMES)[number], string>): Promise<Record<string, string | null>> {
  dir = await mkdtemp(join(tmpdir(), 'canon-sweep-child-'));
  const out = join(dir, 'env.json');
  const script = join(dir, 'cli.mjs');
  await writeFile(script, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(out)}, JSON.stringify(Object.fromEntries(${JSON.stringify(NAMES)}.map((n) => [n, process.env[n] ?? null]))));\n`);
  Object.assign(process.env, env);
  const child = sweepLauncher({ cliScript: script, configPath: join(dir, 'canon.config.json'), withheldEnv: ['CANON_FORGE_TOKEN'] })(['alpha']);
  expect((await child.done).exitCode).toBe(0);
  return JSON.parse(await readFile(out, 'utf8')) as Record<string, string | null>;
}

describe('sweepLauncher', () => {
  it("keeps the listen unit's memory settings and the withheld token from the sweep", async () => {
    expect(await childEnv({ NODE_OPTIONS: '--max-semi-space-size=1', MALLOC_MMAP_THRESHOLD_: '16384', CANON_FORGE_TOKEN: 'secret' })).toEqual({
      NODE_OPTIONS: null,
      MALLOC_MMAP_THRESHOLD_: null,
      CANON_FORGE_TOKEN: null,
    });
  });

  it("passes on an operator's own values of the same variables", async () => {
    expect(await childEnv({ NODE_OPTIONS: '--use-openssl-ca', MALLOC_MMAP_THRESHOLD_: '65536', CANON_FORGE_TOKEN: 'secret' })).toEqual({
      NODE_OPTIONS: '--use-openssl-ca',
      MALLOC_MMAP_THRESHOLD_: '65536',
      CANON_FORGE_TOKEN: null,
    });
  });
});
