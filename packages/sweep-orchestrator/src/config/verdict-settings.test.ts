import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { resolveConfig } from './load-config.js';

const now = new Date('2026-12-01T12:00:00Z');
const config = (gitea: object, top: object = {}) => ({
  defaults: {
    upstream: 'https://git.example.org/up/{recipe}.git',
    mirror: 'https://git.example.org/ci-mirrors/{recipe}.git',
    test: { command: ['ci', '{recipe}'] },
    promote: null,
  },
  recipes: { gitea },
  ...top,
});

async function problemsOf(json: unknown): Promise<string[]> {
  const error = await resolveConfig(json, { path: '/etc/canon/config.json', env: {}, now }).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).data.errors.map((e) => `${e.path}: ${e.message}`);
}

describe('verdict settings', () => {
  it('resolve test.revision, retries, flaky, baseline, waive and recheckAfterDays', async () => {
    const resolved = await resolveConfig(
      config(
        {
          test: { revision: ['git', '-C', '/etc/cc-ci', 'rev-parse', 'HEAD'], retries: 2, flaky: 'hold', baseline: 'on-red' },
          waive: [{ version: '1.2.0', reason: 'upstream bug', expires: '2027-02-28' }],
        },
        { recheckAfterDays: 14 },
      ),
      { path: '/etc/canon/config.json', env: {}, now },
    );
    const [gitea] = resolved.recipes;
    expect(gitea?.test).toMatchObject({ revision: ['git', '-C', '/etc/cc-ci', 'rev-parse', 'HEAD'], retries: 2, flaky: 'hold', baseline: 'on-red' });
    expect(gitea?.waive).toEqual([{ version: '1.2.0', reason: 'upstream bug', expires: '2027-02-28' }]);
    expect(resolved.recheckAfterDays).toBe(14);
    const plain = await resolveConfig(config({}), { path: '/etc/canon/config.json', env: {}, now });
    expect(plain.recheckAfterDays).toBe(28);
    expect(plain.recipes[0]?.test).toMatchObject({ revision: null, retries: 0, flaky: 'promote', baseline: null });
  });

  it('refuse a waiver expiring more than 90 days after load, one without an expiry, and bad values', async () => {
    expect(await problemsOf(config({ waive: [{ version: '1.2.0', reason: 'r', expires: '2027-03-02' }] }))).toEqual([
      expect.stringMatching(/^recipes\.gitea\.waive\[0\]\.expires: 2027-03-02 is more than 90 days after today \(2026-12-01\)/),
    ]);
    expect(await problemsOf(config({ waive: [{ version: '1.2.0', reason: 'r' }] }))).toEqual([
      expect.stringMatching(/^recipes\.gitea\.waive\[0\]\.expires: /),
    ]);
    const bad = await problemsOf(config({ test: { retries: -1, flaky: 'maybe', baseline: 'always' } }));
    expect(bad.map((p) => p.split(':')[0])).toEqual(['recipes.gitea.test.baseline', 'recipes.gitea.test.flaky', 'recipes.gitea.test.retries']);
  });

  it('accept an expired waiver (the sweep ignores it with a warning)', async () => {
    const resolved = await resolveConfig(config({ waive: [{ version: '1.2.0', reason: 'r', expires: '2026-11-01' }] }), {
      path: '/etc/canon/config.json', env: {}, now,
    });
    expect(resolved.recipes[0]?.waive).toHaveLength(1);
  });
});
