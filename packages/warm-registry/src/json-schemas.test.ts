import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { registryJsonSchemas } from './json-schemas.js';

// Run with CANON_WRITE_SCHEMAS=1 (`npm run schemas -w @canon/warm-registry`) to regenerate.
const schemasDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');
const write = process.env.CANON_WRITE_SCHEMAS === '1';

it.each(Object.entries(registryJsonSchemas()))(
  'schemas/%s matches the zod schema',
  async (file, schema) => {
    const path = join(schemasDir, file);
    if (write) await writeFile(path, JSON.stringify(schema, null, 2) + '\n');
    // Compared as JSON, so a formatter may lay the files out as it likes.
    const actual: unknown = JSON.parse(await readFile(path, 'utf8').catch(() => 'null'));
    expect(actual, `${path} is stale: run \`npm run schemas -w @canon/warm-registry\``).toEqual(
      schema,
    );
  },
);
