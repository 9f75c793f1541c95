import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Each package README's "## API" section is the contract a newcomer reads first, so it must
// name exactly what src/index.ts exports: no export missing, no row for something gone.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const projects = ['packages', 'tools'].flatMap((group) =>
  readdirSync(join(root, group))
    .map((name) => join(group, name))
    .filter((dir) => readdirSync(join(root, dir)).includes('README.md'))
    .filter((dir) => readdirSync(join(root, dir, 'src')).includes('index.ts')),
);

const IDENTIFIER = /^[A-Za-z_$][\w$]*/;

/** Every name `src/index.ts` exports, values and types alike. */
function exportedNames(source: string): string[] {
  const names = new Set<string>();
  const text = source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  if (/export\s*\*/.test(text))
    throw new Error('`export *` hides what is exported; list the names');
  for (const [, list = ''] of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of list.split(',')) {
      const name =
        item
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)
          .pop()
          ?.trim() ?? '';
      if (name !== '') names.add(name);
    }
  }
  const declared =
    /export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|type|interface|enum)\s+([A-Za-z_$][\w$]*)/g;
  for (const [, name = ''] of text.matchAll(declared)) names.add(name);
  return [...names].sort();
}

/** A table row's cells; a backslash-escaped pipe inside a cell is not a border. */
function cells(row: string): string[] {
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());
}

function codeSpanNames(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].flatMap(([, span = '']) =>
    /^[A-Za-z_$][\w$]*\./.test(span) ? [] : (IDENTIFIER.exec(span)?.[0] ?? []),
  );
}

/**
 * The names the README's API section documents, read from its tables whose first header is
 * "export": the code spans that open the first cell of each row (`openRegistry(…)`,
 * `trackChild` / `untrackChild(…)`; `server.url(…)` documents a member, not an export),
 * and on a row whose first cell is "types", the code spans of the second.
 */
function documentedNames(readme: string): string[] {
  const start = readme.search(/^## API\b/m);
  if (start === -1) throw new Error('no "## API" section');
  const rest = readme.slice(start + 1);
  const end = rest.search(/^## /m);
  const section = end === -1 ? rest : rest.slice(0, end);
  const names = new Set<string>();
  let inExportTable = false;
  let header = true;
  for (const line of section.split('\n')) {
    if (!line.trimStart().startsWith('|')) {
      header = true;
      inExportTable = false;
      continue;
    }
    const [first = '', second = ''] = cells(line);
    if (header) {
      inExportTable = /^exports?$/i.test(first);
      header = false;
      continue;
    }
    if (!inExportTable || /^:?-+:?$/.test(first)) continue;
    const found = /^types?$/i.test(first) ? codeSpanNames(second) : codeSpanNames(first);
    for (const name of found) names.add(name);
  }
  return [...names].sort();
}

describe('README API tables match src/index.ts', () => {
  it('reads both sides the way a reader would', () => {
    expect(
      exportedNames(
        "export { a, b as c } from './x.js';\nexport type {\n  T, // why\n  type U } from './y.js';\nexport function f() {}\n",
      ),
    ).toEqual(['T', 'U', 'a', 'c', 'f']);
    const readme = [
      '# x',
      '## API',
      '| export | does |',
      '|---|---|',
      '| `f(x): Y` | uses `notAnExport` |',
      '| `a` / `c(…)` | |',
      '| `server.url(name)` | a member |',
      '| types | `T`, `U` |',
      '',
      '| field | meaning |',
      '|---|---|',
      '| `notAnExportEither` | |',
      '## Errors',
      '| export |',
      '|---|',
      '| `NOT_IN_API` |',
    ].join('\n');
    expect(documentedNames(readme)).toEqual(['T', 'U', 'a', 'c', 'f']);
  });

  it.each(projects)('%s', (dir) => {
    const exported = exportedNames(readFileSync(join(root, dir, 'src', 'index.ts'), 'utf8'));
    const documented = documentedNames(readFileSync(join(root, dir, 'README.md'), 'utf8'));
    const missing = exported.filter((name) => !documented.includes(name));
    const stale = documented.filter((name) => !exported.includes(name));
    expect({ missingFromReadme: missing, documentedButNotExported: stale }).toEqual({
      missingFromReadme: [],
      documentedButNotExported: [],
    });
  });
});
