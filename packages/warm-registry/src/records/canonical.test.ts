import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { useTempDirs } from '../testing/fixtures.js';
import { openRegistry } from '../registry.js';
import type { CanonicalRecord } from './canonical.js';

const tempDir = useTempDirs();

const recipe = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);
const text = fc.string({ minLength: 1, maxLength: 40 });
const commit = fc.stringMatching(/^[0-9a-f]{40}$/);
const when = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2099-12-31T23:59:59Z'),
  noInvalidDate: true,
});

const record: fc.Arbitrary<CanonicalRecord> = fc.record({
  schema: fc.constant(1 as const),
  recipe,
  version: text,
  tag: text,
  commit,
  status: fc.constant('canonical' as const),
  ts: when.map((d) => d.toISOString()),
  domain: fc.option(fc.domain(), { nil: null }),
  runId: text,
  previous: fc.option(fc.record({ version: text, commit }), { nil: null }),
});

it('any valid record reads back as written, byte for byte', async () => {
  const registry = openRegistry({ stateDir: await tempDir() });
  await fc.assert(
    fc.asyncProperty(record, async (r) => {
      await registry.writeCanonical(r);
      expect(await readFile(join(registry.registryDir, r.recipe, 'canonical.json'), 'utf8')).toBe(
        JSON.stringify(r, null, 2) + '\n',
      );
      const { schema: _schema, ...fields } = r;
      expect(await registry.readCanonical(r.recipe)).toEqual({ ...fields, legacy: false });
    }),
    { numRuns: 60 },
  );
});

it("a legacy record's compact timestamp reads as the same instant in ISO form", async () => {
  const registry = openRegistry({ stateDir: await tempDir() });
  await mkdir(join(registry.registryDir, 'gitea'), { recursive: true });
  await fc.assert(
    fc.asyncProperty(when, async (d) => {
      const iso = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
      const compact = iso.replace(/[-:]/g, '');
      await writeFile(
        join(registry.registryDir, 'gitea', 'canonical.json'),
        JSON.stringify({
          recipe: 'gitea',
          version: '1.0.0',
          commit: 'a'.repeat(40),
          status: 'ok',
          ts: compact,
        }),
      );
      const view = await registry.readCanonical('gitea');
      expect(view?.ts).toBe(iso);
      expect(Date.parse(view?.ts ?? '')).toBe(Math.floor(d.getTime() / 1000) * 1000);
    }),
    { numRuns: 60 },
  );
});
