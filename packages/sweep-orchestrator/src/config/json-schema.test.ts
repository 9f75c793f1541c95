import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderConfigJsonSchema } from './json-schema.js';
import { resolveConfig } from './load-config.js';

const schemaFile = fileURLToPath(new URL('../../schemas/canon.config.schema.json', import.meta.url));
const docsFile = fileURLToPath(new URL('../../../../docs/configuration.md', import.meta.url));

type Node = { properties?: Record<string, Node>; anyOf?: Node[]; additionalProperties?: Node | boolean; items?: Node; default?: unknown };

/** Every documented key path (`defaults.promote.health.url`) with its default, walked from the JSON Schema. */
function keyPaths(node: Node, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  const variants = [node, ...(node.anyOf ?? [])];
  for (const variant of variants) {
    for (const [key, child] of Object.entries(variant.properties ?? {})) {
      if (key === '$schema') continue;
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const fallback = child.default ?? child.anyOf?.find((v) => v.default !== undefined)?.default;
      out.set(path, fallback);
      keyPaths(child, path, out);
    }
    if (typeof variant.additionalProperties === 'object') keyPaths(variant.additionalProperties, `${prefix}.<name>`, out);
    if (variant.items !== undefined) keyPaths(variant.items, `${prefix}[]`, out);
  }
  return out;
}

describe('published JSON Schema', () => {
  // To refresh after a schema change: CANON_WRITE_SCHEMA=1 npx vitest run src/config/json-schema.test.ts
  it('schemas/canon.config.schema.json is generated from the zod schema and up to date', () => {
    const fresh = renderConfigJsonSchema();
    if (process.env.CANON_WRITE_SCHEMA === '1') writeFileSync(schemaFile, fresh);
    const committed = readFileSync(schemaFile, 'utf8');
    expect(committed, 'stale: run CANON_WRITE_SCHEMA=1 npx vitest run src/config/json-schema.test.ts').toBe(fresh);
  });

  it('docs/configuration.md documents every key with its default', () => {
    const docs = readFileSync(docsFile, 'utf8');
    const rows = new Map(
      [...docs.matchAll(/^\| `([^`]+)` \| ([^|]*) \|/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]),
    );
    const paths = keyPaths(JSON.parse(renderConfigJsonSchema()) as Node, '', new Map());
    // A recipe's settings are documented once, under `defaults.`, unless they exist only per recipe.
    const row = (path: string) => rows.get(path) ?? rows.get(path.replace(/^recipes\.<name>\./, 'defaults.'));
    const missing = [...paths.keys()].filter((p) => row(p) === undefined);
    expect(missing, 'keys missing from docs/configuration.md').toEqual([]);
    for (const [path, fallback] of paths) {
      if (fallback !== undefined) expect(row(path), `default of ${path}`).toBe(`\`${JSON.stringify(fallback)}\``);
    }
  });

  it('the example in docs/configuration.md is a valid configuration', async () => {
    const docs = readFileSync(docsFile, 'utf8');
    const example = /<!-- config-example -->\n```json\n([\s\S]*?)\n```/.exec(docs)?.[1];
    expect(example).toBeDefined();
    const config = await resolveConfig(JSON.parse(example ?? ''), {
      path: '/etc/canon/config.json',
      env: { CANON_FORGE_TOKEN: 'token-4f1c9a7e' },
    });
    expect(config.recipes.map((r) => `${r.name}:${r.enrolled}`)).toEqual(['custom-html:true', 'gitea:true', 'keycloak:false']);
    expect(config.recipes[1]?.test.timeoutSeconds).toBe(5400);
  });
});
