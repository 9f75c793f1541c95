import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadConfig } from './load-config.js';

function configFile(config: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'canon-config-')), 'canon.config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const recipe = (promote: Record<string, unknown> = {}) => ({
  upstream: 'https://git.example.org/up/{recipe}.git',
  mirror: 'https://git.example.org/mirror/{recipe}.git',
  test: { command: ['suite', '{recipe}'] },
  promote: { domain: 'warm-{recipe}.ci.example.org', deploy: ['deploy', '{domain}'], ...promote },
});

async function problems(config: unknown, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const error = await loadConfig({ flag: configFile(config), env, cwd: '/' }).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).data.errors.map((e) => `${e.path}: ${e.message}`);
}

describe('durations', () => {
  it.each([
    ['lockStaleSeconds', { lockStaleSeconds: 2_000_001 }],
    ['killGraceSeconds', { killGraceSeconds: 2_000_001 }],
    ['recipes.a.test.timeoutSeconds', { recipes: { a: { ...recipe(), test: { command: ['x'], timeoutSeconds: 2_000_001 } } } }],
    ['recipes.a.promote.timeoutSeconds', { recipes: { a: recipe({ timeoutSeconds: 2_000_001 }) } }],
    ['recipes.a.promote.health.intervalSeconds', { recipes: { a: recipe({ health: { intervalSeconds: 2_000_001 } }) } }],
  ])('refuses %s past 2,000,000 s, naming its path', async (path, patch) => {
    expect(await problems({ recipes: { a: recipe() }, ...patch })).toEqual([
      `${path}: ${path.replace(/^recipes\.a\.(promote\.(?=health))?/, '')} must be at most 2,000,000 seconds (about 23 days)`,
    ]);
  });

  it('accepts fractional durations up to the bound', async () => {
    const config = await loadConfig({
      flag: configFile({ recipes: { a: recipe({ timeoutSeconds: 2_000_000 }) }, lockStaleSeconds: 0.5, killGraceSeconds: 1.5 }),
      env: {},
      cwd: '/',
    });
    expect([config.recipes[0]?.promote?.timeoutSeconds, config.lockStaleSeconds, config.killGraceSeconds]).toEqual([2_000_000, 0.5, 1.5]);
  });
});

describe('domains', () => {
  it('lower-cases warm domains and protectedDomains at load', async () => {
    const config = await loadConfig({
      flag: configFile({ recipes: { a: recipe({ domain: 'Warm-{recipe}.CI.Example.org' }) }, protectedDomains: ['WARM-A.ci.example.ORG'] }),
      env: {},
      cwd: '/',
    });
    expect(config.recipes[0]?.promote?.domain).toBe('warm-a.ci.example.org');
    expect(config.protectedDomains).toEqual(['warm-a.ci.example.org']);
  });

  it('catches two recipes whose warm domains differ only in case', async () => {
    expect(await problems({ recipes: { a: recipe({ domain: 'warm.ci.example.org' }), b: recipe({ domain: 'WARM.ci.example.org' }) } })).toEqual([
      'recipes.b.promote.domain: warm.ci.example.org is also the warm domain of recipe a; each recipe needs its own',
    ]);
  });
});

describe('secrets', () => {
  const forge = { type: 'gitea', url: 'https://git.example.org', tokenEnv: 'FORGE_TOKEN' };

  it('refuses a forge token shorter than 8 characters', async () => {
    expect(await problems({ forge, recipes: { a: recipe() } }, { FORGE_TOKEN: 'short7c' })).toEqual([
      'forge.tokenEnv: the forge token is 7 characters long; a secret needs at least 8, since canon masks every occurrence of it in what it writes',
    ]);
  });

  it('lists the forge token among the secrets, which never print', async () => {
    const config = await loadConfig({ flag: configFile({ forge, recipes: { a: recipe() } }), env: { FORGE_TOKEN: 'tok-4f1c9a7e2b' }, cwd: '/' });
    expect(config.secrets).toEqual(['tok-4f1c9a7e2b']);
    expect(JSON.stringify(config)).not.toContain('tok-4f1c9a7e2b');
    expect(inspect(config, { depth: 10 })).not.toContain('tok-4f1c9a7e2b');
  });
});
