import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '@canon/trigger';

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('## API'), readme.indexOf('## Errors'));
  const documented = [...table.matchAll(/^\| `([A-Za-z_]+)/gm)].map((m) => m[1]);

  it('lists every runtime export in its API table, and nothing that is not exported', () => {
    expect([...documented].sort()).toEqual(Object.keys(api).sort());
  });
});
